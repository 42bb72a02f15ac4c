-- 0006_match_keys: the duplicate index; the same meaning as
-- storage/sqlite/migrations/0006_match_keys.sql (rows of kind 'match' in
-- profile_contact_points, backfilled by Migrate() from
-- match_key_backfill.next_id). Every statement is idempotent (see
-- 0001_init.sql).
CREATE TABLE IF NOT EXISTS match_key_backfill (
  next_id VARCHAR(63) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
INSERT INTO match_key_backfill (next_id)
  SELECT '' FROM DUAL WHERE NOT EXISTS (SELECT 1 FROM match_key_backfill);

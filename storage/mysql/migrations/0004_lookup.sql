-- 0004_lookup: profile_contact_points.lookup_value, the same column and
-- meaning as storage/sqlite/migrations/0004_lookup.sql: an e-mail address
-- with its ASCII letters lowercased (the rule of domain::EmailAddressKey), a
-- phone as stored (E.164). MariaDB 10.11 has no functional indexes, hence a
-- real column. LOWER() would also fold non-ASCII letters, so the backfill
-- replaces A-Z one by one. Every statement is idempotent (see 0001_init.sql).
ALTER TABLE profile_contact_points ADD COLUMN IF NOT EXISTS
  lookup_value VARCHAR(512) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL DEFAULT '';
UPDATE profile_contact_points SET lookup_value = CASE WHEN kind <> 'email' THEN value ELSE
  REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(value,
    'A', 'a'), 'B', 'b'), 'C', 'c'), 'D', 'd'), 'E', 'e'), 'F', 'f'),
    'G', 'g'), 'H', 'h'), 'I', 'i'), 'J', 'j'), 'K', 'k'), 'L', 'l'),
    'M', 'm'), 'N', 'n'), 'O', 'o'), 'P', 'p'), 'Q', 'q'), 'R', 'r'),
    'S', 's'), 'T', 't'), 'U', 'u'), 'V', 'v'), 'W', 'w'), 'X', 'x'),
    'Y', 'y'), 'Z', 'z') END;
CREATE INDEX IF NOT EXISTS profile_contact_points_lookup
  ON profile_contact_points (kind, lookup_value, profile_id);

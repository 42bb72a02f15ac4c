-- 0005_merges: merges of duplicate profiles into a survivor; the same
-- columns, table and meaning as storage/sqlite/migrations/0005_merges.sql.
-- Every statement is idempotent (see 0001_init.sql).
ALTER TABLE profiles ADD COLUMN IF NOT EXISTS
  merged_into VARCHAR(63) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL;
CREATE INDEX IF NOT EXISTS profiles_merged_into ON profiles (merged_into);

CREATE TABLE IF NOT EXISTS profile_merges (
  survivor_id VARCHAR(63) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  merge_id VARCHAR(63) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  applied TINYINT NOT NULL,
  create_time BIGINT NOT NULL,
  data LONGBLOB NOT NULL,
  PRIMARY KEY (survivor_id, merge_id),
  KEY profile_merges_time (survivor_id, create_time, merge_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- 0008_insights: the same table and meaning as
-- storage/sqlite/migrations/0008_insights.sql. Idempotent (see 0001_init.sql).
CREATE TABLE IF NOT EXISTS profile_insights (
  profile_id VARCHAR(63) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  data MEDIUMBLOB NOT NULL,
  PRIMARY KEY (profile_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- 0010_insights_tiers: the same table and meaning as
-- storage/sqlite/migrations/0010_insights_tiers.sql. Idempotent (see
-- 0001_init.sql).
CREATE TABLE IF NOT EXISTS insights_tiers (
  id INT NOT NULL,
  spec TEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  PRIMARY KEY (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

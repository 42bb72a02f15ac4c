-- 0011_change_log: the same table, columns and meaning as
-- storage/sqlite/migrations/0011_change_log.sql. seq is an AUTO_INCREMENT,
-- taken when the row is inserted and visible at commit: readers find the
-- resolved end of the log with a locking read (domain/change/change_tail.h).
-- Idempotent (see 0001_init.sql).
CREATE TABLE IF NOT EXISTS change_log (
  seq BIGINT NOT NULL AUTO_INCREMENT,
  change_time BIGINT NOT NULL,
  resource_type INT NOT NULL,
  resource_name VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  profile_id VARCHAR(63) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL DEFAULT '',
  kind INT NOT NULL,
  is_read TINYINT NOT NULL DEFAULT 0,
  app_id VARCHAR(128) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL DEFAULT '',
  actor VARCHAR(128) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL DEFAULT '',
  details MEDIUMBLOB NOT NULL,
  PRIMARY KEY (seq),
  KEY change_log_profile (profile_id, seq)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

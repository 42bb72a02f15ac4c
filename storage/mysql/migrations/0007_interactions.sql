-- 0007_interactions: the timeline; the same table, columns and meaning as
-- storage/sqlite/migrations/0007_interactions.sql. Every statement is
-- idempotent (see 0001_init.sql).
CREATE TABLE IF NOT EXISTS interactions (
  id VARCHAR(63) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  profile_id VARCHAR(63) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  origin_profile_id VARCHAR(63) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  occur_time BIGINT NOT NULL,
  create_time BIGINT NOT NULL,
  source_system VARCHAR(63) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  external_ref VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
  channel INT NOT NULL,
  direction INT NOT NULL,
  kind INT NOT NULL,
  campaign VARCHAR(63) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL DEFAULT '',
  data MEDIUMBLOB NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY interactions_ref (source_system, external_ref),
  KEY interactions_profile_time (profile_id, occur_time, id),
  KEY interactions_time (occur_time, id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

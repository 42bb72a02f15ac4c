-- 0003_suppression: do-not-contact lists and their entries; the same tables,
-- columns and meaning as storage/sqlite/migrations/0003_suppression.sql.
-- Times are microseconds since the Unix epoch; channel_mask has bit c set
-- for each blocked customerprofile.v1.Channel c. Every statement is
-- idempotent (see 0001_init.sql).

-- One row per list. `generation` names the entries that are the list: an
-- import writes a new generation and publishes it by changing this column.
CREATE TABLE IF NOT EXISTS suppression_lists (
  id VARCHAR(63) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  revision BIGINT NOT NULL,
  display_name VARCHAR(800) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  source VARCHAR(800) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  identifier_kind INT NOT NULL,
  channel_mask BIGINT NOT NULL,
  generation BIGINT NOT NULL,
  entry_count BIGINT NOT NULL,
  create_time BIGINT NOT NULL,
  update_time BIGINT NOT NULL,
  PRIMARY KEY (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- Generations that are not a list's current one: staging (an import is
-- writing them) or retired (their entries are to be deleted). Also the
-- source of generation numbers.
CREATE TABLE IF NOT EXISTS suppression_generations (
  generation BIGINT NOT NULL AUTO_INCREMENT,
  list_id VARCHAR(63) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  state INT NOT NULL,
  update_time BIGINT NOT NULL,
  PRIMARY KEY (generation)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- The entries of every generation. Lookups go by identifier (the secondary
-- index carries the primary key, so it covers them).
CREATE TABLE IF NOT EXISTS suppression_entries (
  list_id VARCHAR(63) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  generation BIGINT NOT NULL,
  identifier VARCHAR(320) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  PRIMARY KEY (list_id, generation, identifier),
  KEY suppression_entries_identifier (identifier)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

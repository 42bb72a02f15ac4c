-- 0002_consent: purposes, notice versions, the append-only consent ledger,
-- its materialised current state and double opt-in tokens; the same tables,
-- columns and meaning as storage/sqlite/migrations/0002_consent.sql. Times
-- are microseconds since the Unix epoch; channels and decisions are the
-- customerprofile.v1 enum numbers. Every statement is idempotent (see
-- 0001_init.sql).

-- One row per purpose; `data` is the serialized customerprofile.v1.Purpose
-- with its current notice text and version.
CREATE TABLE IF NOT EXISTS purposes (
  id VARCHAR(63) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  revision BIGINT NOT NULL,
  data MEDIUMBLOB NOT NULL,
  PRIMARY KEY (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- Every notice text a purpose ever had, kept forever.
CREATE TABLE IF NOT EXISTS notice_versions (
  purpose_id VARCHAR(63) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  version BIGINT NOT NULL,
  notice_text MEDIUMTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  create_time BIGINT NOT NULL,
  PRIMARY KEY (purpose_id, version),
  CONSTRAINT notice_versions_purpose FOREIGN KEY (purpose_id) REFERENCES purposes (id)
    ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- The ledger: append-only, one row per recorded decision. `sequence` is the
-- record order; `data` is the serialized customerprofile.v1.ConsentEvent.
-- contact_point is '' for the whole channel.
CREATE TABLE IF NOT EXISTS consent_events (
  sequence BIGINT NOT NULL AUTO_INCREMENT,
  profile_id VARCHAR(63) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  event_id VARCHAR(63) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  purpose_id VARCHAR(63) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  channel INT NOT NULL,
  contact_point VARCHAR(512) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  occur_time BIGINT NOT NULL,
  data MEDIUMBLOB NOT NULL,
  PRIMARY KEY (sequence),
  UNIQUE KEY consent_events_id (profile_id, event_id),
  INDEX consent_events_history (profile_id, occur_time, sequence),
  INDEX consent_events_purpose (profile_id, purpose_id, channel, occur_time, sequence),
  CONSTRAINT consent_events_profile FOREIGN KEY (profile_id) REFERENCES profiles (id)
    ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- The current state per profile x purpose x channel x contact point: the
-- facts of the event with the greatest (occur_time, sequence), kept in step
-- with consent_events in the same transaction, so checks read one row.
CREATE TABLE IF NOT EXISTS consent_states (
  profile_id VARCHAR(63) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  purpose_id VARCHAR(63) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  channel INT NOT NULL,
  contact_point VARCHAR(512) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  event_id VARCHAR(63) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  occur_time BIGINT NOT NULL,
  sequence BIGINT NOT NULL,
  decision INT NOT NULL,
  pending TINYINT NOT NULL,
  PRIMARY KEY (profile_id, purpose_id, channel, contact_point),
  CONSTRAINT consent_states_profile FOREIGN KEY (profile_id) REFERENCES profiles (id)
    ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- Double opt-in tokens, stored only as the SHA-256 of the token.
CREATE TABLE IF NOT EXISTS consent_confirmation_tokens (
  token_hash VARBINARY(32) NOT NULL,
  profile_id VARCHAR(63) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  event_id VARCHAR(63) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  create_time BIGINT NOT NULL,
  expire_time BIGINT NOT NULL,
  use_time BIGINT NULL,
  PRIMARY KEY (token_hash),
  INDEX consent_confirmation_tokens_profile (profile_id, event_id),
  CONSTRAINT consent_confirmation_tokens_profile FOREIGN KEY (profile_id)
    REFERENCES profiles (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

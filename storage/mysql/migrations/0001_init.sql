-- 0001_init: the profile store on MySQL 8 / MariaDB 10.11, the same tables,
-- columns and meaning as storage/sqlite/migrations/0001_init.sql. Times are
-- microseconds since the Unix epoch.
--
-- schema_migrations(version, name, applied_time) is created by Migrate()
-- itself, before the first migration runs.
--
-- MySQL commits every DDL statement on its own, so a migration cannot run in
-- one transaction: each statement here is idempotent (IF NOT EXISTS), and a
-- migration interrupted half-way is completed by the next Migrate(). Only a
-- fully applied migration is recorded in schema_migrations.
--
-- Every text column is utf8mb4 with the binary collation, so comparisons and
-- orderings follow code points (= UTF-8 byte order) as in SQLite. Note that
-- utf8mb4_bin is PAD SPACE: 'a' and 'a ' compare equal; the domain trims the
-- values it indexes. Key lengths stay within InnoDB's 3072-byte limit.

-- One row per profile, live or soft-deleted. `data` is the serialized
-- customerprofile.v1.Profile; the other columns copy the fields that lists
-- filter and order by.
CREATE TABLE IF NOT EXISTS profiles (
  id VARCHAR(63) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  revision BIGINT NOT NULL,
  create_time BIGINT NOT NULL,
  update_time BIGINT NOT NULL,
  delete_time BIGINT NULL,
  display_name VARCHAR(700) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL DEFAULT '',
  region_code VARCHAR(8) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL DEFAULT '',
  data MEDIUMBLOB NOT NULL,
  PRIMARY KEY (id),
  INDEX profiles_create_time (create_time, id),
  INDEX profiles_update_time (update_time, id),
  INDEX profiles_display_name (display_name, id),
  INDEX profiles_region_code (region_code)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE IF NOT EXISTS profile_tags (
  profile_id VARCHAR(63) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  tag VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  PRIMARY KEY (profile_id, tag),
  INDEX profile_tags_tag (tag, profile_id),
  CONSTRAINT profile_tags_profile FOREIGN KEY (profile_id) REFERENCES profiles (id)
    ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- live is 1 while the profile is live and NULL once it is soft-deleted, so
-- the UNIQUE key holds among live profiles only (NULLs never collide).
CREATE TABLE IF NOT EXISTS profile_external_ids (
  profile_id VARCHAR(63) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  system VARCHAR(128) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  external_id VARCHAR(512) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  live TINYINT NULL,
  PRIMARY KEY (profile_id, system, external_id),
  UNIQUE KEY profile_external_ids_live (system, external_id, live),
  CONSTRAINT profile_external_ids_profile FOREIGN KEY (profile_id) REFERENCES profiles (id)
    ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- kind is 'email' (value: the normalised address) or 'phone' (value: E.164).
CREATE TABLE IF NOT EXISTS profile_contact_points (
  profile_id VARCHAR(63) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  kind VARCHAR(8) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  value VARCHAR(512) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  PRIMARY KEY (profile_id, kind, value),
  INDEX profile_contact_points_value (kind, value),
  CONSTRAINT profile_contact_points_profile FOREIGN KEY (profile_id) REFERENCES profiles (id)
    ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- Responses to requests that carried a request_id (AIP-155).
CREATE TABLE IF NOT EXISTS idempotency_keys (
  scope VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  request_id VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  request_hash BLOB NOT NULL,
  response MEDIUMBLOB NOT NULL,
  create_time BIGINT NOT NULL,
  PRIMARY KEY (scope, request_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- 0001_init: the profile store. Times are microseconds since the Unix epoch.
-- schema_migrations(version, name, applied_time) is created by Migrate()
-- itself, before the first migration runs.

-- One row per profile, live or soft-deleted. `data` is the serialized
-- customerprofile.v1.Profile; the other columns copy the fields that lists
-- filter and order by.
CREATE TABLE profiles (
  id TEXT PRIMARY KEY NOT NULL,
  revision INTEGER NOT NULL,
  create_time INTEGER NOT NULL,
  update_time INTEGER NOT NULL,
  delete_time INTEGER NULL,
  display_name TEXT NOT NULL DEFAULT '',
  region_code TEXT NOT NULL DEFAULT '',
  data BLOB NOT NULL
);
CREATE INDEX profiles_create_time ON profiles (create_time, id);
CREATE INDEX profiles_update_time ON profiles (update_time, id);
CREATE INDEX profiles_display_name ON profiles (display_name, id);
CREATE INDEX profiles_region_code ON profiles (region_code);

CREATE TABLE profile_tags (
  profile_id TEXT NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
  tag TEXT NOT NULL,
  PRIMARY KEY (profile_id, tag)
) WITHOUT ROWID;
CREATE INDEX profile_tags_tag ON profile_tags (tag, profile_id);

-- live is 1 while the profile is live and NULL once it is soft-deleted, so
-- the UNIQUE constraint holds among live profiles only (NULLs never collide).
CREATE TABLE profile_external_ids (
  profile_id TEXT NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
  system TEXT NOT NULL,
  external_id TEXT NOT NULL,
  live INTEGER NULL,
  PRIMARY KEY (profile_id, system, external_id),
  UNIQUE (system, external_id, live)
) WITHOUT ROWID;

-- kind is 'email' (value: the normalised address) or 'phone' (value: E.164).
CREATE TABLE profile_contact_points (
  profile_id TEXT NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
  kind TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (profile_id, kind, value)
) WITHOUT ROWID;
CREATE INDEX profile_contact_points_value ON profile_contact_points (kind, value);

-- Responses to requests that carried a request_id (AIP-155).
CREATE TABLE idempotency_keys (
  scope TEXT NOT NULL,
  request_id TEXT NOT NULL,
  request_hash BLOB NOT NULL,
  response BLOB NOT NULL,
  create_time INTEGER NOT NULL,
  PRIMARY KEY (scope, request_id)
);

-- 0007_interactions: the timeline. `data` is the serialized
-- customerprofile.v1.Interaction; the other columns copy what lists filter
-- and order by. profile_id is the profile it belongs to now,
-- origin_profile_id the one it was recorded on (a merge moves it).
-- (source_system, external_ref) is unique; external_ref is NULL when the
-- caller gave none (NULLs never collide).
CREATE TABLE interactions (
  id TEXT PRIMARY KEY NOT NULL,
  profile_id TEXT NOT NULL,
  origin_profile_id TEXT NOT NULL,
  occur_time INTEGER NOT NULL,
  create_time INTEGER NOT NULL,
  source_system TEXT NOT NULL,
  external_ref TEXT NULL,
  channel INTEGER NOT NULL,
  direction INTEGER NOT NULL,
  kind INTEGER NOT NULL,
  campaign TEXT NOT NULL DEFAULT '',
  data BLOB NOT NULL,
  UNIQUE (source_system, external_ref)
);
CREATE INDEX interactions_profile_time ON interactions (profile_id, occur_time, id);
CREATE INDEX interactions_time ON interactions (occur_time, id);

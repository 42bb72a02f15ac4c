-- 0002_consent: purposes, notice versions, the append-only consent ledger,
-- its materialised current state and double opt-in tokens. Times are
-- microseconds since the Unix epoch; channels and decisions are the
-- customerprofile.v1 enum numbers.

-- One row per purpose; `data` is the serialized customerprofile.v1.Purpose
-- with its current notice text and version.
CREATE TABLE purposes (
  id TEXT PRIMARY KEY NOT NULL,
  revision INTEGER NOT NULL,
  data BLOB NOT NULL
);

-- Every notice text a purpose ever had, kept forever.
CREATE TABLE notice_versions (
  purpose_id TEXT NOT NULL REFERENCES purposes (id) ON DELETE CASCADE,
  version INTEGER NOT NULL,
  notice_text TEXT NOT NULL,
  create_time INTEGER NOT NULL,
  PRIMARY KEY (purpose_id, version)
) WITHOUT ROWID;

-- The ledger: append-only, one row per recorded decision. `sequence` is the
-- record order (AUTOINCREMENT: never reused, always increasing); `data` is
-- the serialized customerprofile.v1.ConsentEvent. contact_point is '' for
-- the whole channel.
CREATE TABLE consent_events (
  sequence INTEGER PRIMARY KEY AUTOINCREMENT,
  profile_id TEXT NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
  event_id TEXT NOT NULL,
  purpose_id TEXT NOT NULL,
  channel INTEGER NOT NULL,
  contact_point TEXT NOT NULL,
  occur_time INTEGER NOT NULL,
  data BLOB NOT NULL,
  UNIQUE (profile_id, event_id)
);
CREATE INDEX consent_events_history ON consent_events (profile_id, occur_time, sequence);
CREATE INDEX consent_events_purpose
  ON consent_events (profile_id, purpose_id, channel, occur_time, sequence);

-- The current state per profile x purpose x channel x contact point: the
-- facts of the event with the greatest (occur_time, sequence), kept in step
-- with consent_events in the same transaction, so checks read one row.
CREATE TABLE consent_states (
  profile_id TEXT NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
  purpose_id TEXT NOT NULL,
  channel INTEGER NOT NULL,
  contact_point TEXT NOT NULL,
  event_id TEXT NOT NULL,
  occur_time INTEGER NOT NULL,
  sequence INTEGER NOT NULL,
  decision INTEGER NOT NULL,
  pending INTEGER NOT NULL,
  PRIMARY KEY (profile_id, purpose_id, channel, contact_point)
) WITHOUT ROWID;

-- Double opt-in tokens, stored only as the SHA-256 of the token.
CREATE TABLE consent_confirmation_tokens (
  token_hash BLOB PRIMARY KEY NOT NULL,
  profile_id TEXT NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
  event_id TEXT NOT NULL,
  create_time INTEGER NOT NULL,
  expire_time INTEGER NOT NULL,
  use_time INTEGER NULL
) WITHOUT ROWID;
CREATE INDEX consent_confirmation_tokens_profile
  ON consent_confirmation_tokens (profile_id, event_id);

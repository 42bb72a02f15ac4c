-- 0003_suppression: do-not-contact lists and their entries. Times are
-- microseconds since the Unix epoch; channel_mask has bit c set for each
-- blocked customerprofile.v1.Channel c; identifier_kind is the
-- customerprofile.v1.IdentifierKind number.

-- One row per list. `generation` names the entries that are the list: an
-- import writes a new generation and publishes it by changing this column.
CREATE TABLE suppression_lists (
  id TEXT PRIMARY KEY NOT NULL,
  revision INTEGER NOT NULL,
  display_name TEXT NOT NULL,
  source TEXT NOT NULL,
  identifier_kind INTEGER NOT NULL,
  channel_mask INTEGER NOT NULL,
  generation INTEGER NOT NULL,
  entry_count INTEGER NOT NULL,
  create_time INTEGER NOT NULL,
  update_time INTEGER NOT NULL
);

-- Generations that are not a list's current one: staging (an import is
-- writing them) or retired (their entries are to be deleted). Also the
-- source of generation numbers (AUTOINCREMENT: never reused).
CREATE TABLE suppression_generations (
  generation INTEGER PRIMARY KEY AUTOINCREMENT,
  list_id TEXT NOT NULL,
  state INTEGER NOT NULL,
  update_time INTEGER NOT NULL
);

-- The entries of every generation. Lookups go by identifier (the index
-- covers list_id and generation, the primary key).
CREATE TABLE suppression_entries (
  list_id TEXT NOT NULL,
  generation INTEGER NOT NULL,
  identifier TEXT NOT NULL,
  PRIMARY KEY (list_id, generation, identifier)
) WITHOUT ROWID;
CREATE INDEX suppression_entries_identifier ON suppression_entries (identifier);

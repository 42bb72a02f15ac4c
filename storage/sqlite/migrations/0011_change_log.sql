-- 0011_change_log: the transactional outbox (storage/change_repository.h).
-- Every write transaction appends its changes here just before it commits;
-- the feed (ChangeService) reads them by seq, the audit trail
-- (AuditService) by (profile_id, seq). AUTOINCREMENT: a sequence is never
-- taken twice, not even after the newest rows were pruned. profile_id is ''
-- for changes not about one customer; is_read marks an audited read.
-- details is the serialized customerprofile.internal.v1.ChangeDetails. No
-- index on change_time: times follow sequences, so a time is found by a
-- binary search over seq and pruning walks seq from the oldest; each index
-- is one more page every commit writes.
CREATE TABLE change_log (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  change_time INTEGER NOT NULL,
  resource_type INTEGER NOT NULL,
  resource_name TEXT NOT NULL,
  profile_id TEXT NOT NULL DEFAULT '',
  kind INTEGER NOT NULL,
  is_read INTEGER NOT NULL DEFAULT 0,
  app_id TEXT NOT NULL DEFAULT '',
  actor TEXT NOT NULL DEFAULT '',
  details BLOB NOT NULL
);
CREATE INDEX change_log_profile ON change_log (profile_id, seq);

-- 0006_match_keys: the duplicate index. Its rows are profile_contact_points
-- of kind 'match' holding storage::MatchKeysOf(profile) (storage/match_keys.h:
-- folded names, birth date, postal code and first address line), written with
-- every profile write. The fold is ICU's, so the rows of the profiles stored
-- before this migration are written by the server itself after it: Migrate()
-- walks the profiles in id order from match_key_backfill.next_id, a batch per
-- transaction, and drops the table's one row when it is done.
CREATE TABLE match_key_backfill (next_id TEXT NOT NULL);
INSERT INTO match_key_backfill VALUES ('');

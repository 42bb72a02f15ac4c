-- 0004_lookup: profile_contact_points.lookup_value, the form LookupProfiles
-- matches: an e-mail address with its ASCII letters lowercased (the rule of
-- domain::EmailAddressKey; SQLite's lower() folds ASCII only), a phone as
-- stored (E.164). Written with every contact point row; backfilled here.
ALTER TABLE profile_contact_points ADD COLUMN lookup_value TEXT NOT NULL DEFAULT '';
UPDATE profile_contact_points
  SET lookup_value = CASE WHEN kind = 'email' THEN lower(value) ELSE value END;
CREATE INDEX profile_contact_points_lookup
  ON profile_contact_points (kind, lookup_value, profile_id);

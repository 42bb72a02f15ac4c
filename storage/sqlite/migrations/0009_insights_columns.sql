-- 0009_insights_columns: what ListProfiles filters and orders insights by,
-- copied onto the profile row (kept with profile_insights in the same
-- transaction): the value tier ('' = none) and the latest occur_time of any
-- interaction (0 = none). profile_insights.state holds the running totals
-- the insights are derived from (customerprofile.internal.v1.InsightsState);
-- NULL for rows written before this migration, which the server recomputes
-- from their timelines when it starts.
ALTER TABLE profiles ADD COLUMN insights_value_tier TEXT NOT NULL DEFAULT '';
ALTER TABLE profiles ADD COLUMN insights_last_time INTEGER NOT NULL DEFAULT 0;
CREATE INDEX profiles_insights_value_tier ON profiles (insights_value_tier, id);
CREATE INDEX profiles_insights_last_time ON profiles (insights_last_time, id);
ALTER TABLE profile_insights ADD COLUMN state BLOB NULL;

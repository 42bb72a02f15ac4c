-- 0008_insights: each profile's insights (customerprofile.v1.ProfileInsights,
-- serialized), rewritten in the same transaction as every interaction
-- recorded on or deleted from the profile.
CREATE TABLE profile_insights (
  profile_id TEXT PRIMARY KEY NOT NULL,
  data BLOB NOT NULL
);

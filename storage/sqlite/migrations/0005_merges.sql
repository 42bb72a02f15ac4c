-- 0005_merges: merges of duplicate profiles into a survivor.
-- profiles.merged_into is the survivor's id while a profile is MERGED (NULL
-- otherwise): lists leave merged profiles out, and a merged profile has no
-- contact point rows and no live external ids (its identifiers are the
-- survivor's).
ALTER TABLE profiles ADD COLUMN merged_into TEXT NULL;

-- One row per merge; `data` is the serialized customerprofile.v1.Merge with
-- the before-images and the moved values. applied is 1 until it is undone.
CREATE TABLE profile_merges (
  survivor_id TEXT NOT NULL,
  merge_id TEXT NOT NULL,
  applied INTEGER NOT NULL,
  create_time INTEGER NOT NULL,
  data BLOB NOT NULL,
  PRIMARY KEY (survivor_id, merge_id)
);
CREATE INDEX profile_merges_time ON profile_merges (survivor_id, create_time, merge_id);
-- The members of a survivor (merged_into IN (...)); partial: most profiles
-- are not merged.
CREATE INDEX profiles_merged_into ON profiles (merged_into) WHERE merged_into IS NOT NULL;

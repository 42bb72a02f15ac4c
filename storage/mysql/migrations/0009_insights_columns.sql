-- 0009_insights_columns: the same columns, indexes and meaning as
-- storage/sqlite/migrations/0009_insights_columns.sql. Idempotent (see
-- 0001_init.sql).
ALTER TABLE profiles ADD COLUMN IF NOT EXISTS
  insights_value_tier VARCHAR(63) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL DEFAULT '';
ALTER TABLE profiles ADD COLUMN IF NOT EXISTS insights_last_time BIGINT NOT NULL DEFAULT 0;
CREATE INDEX IF NOT EXISTS profiles_insights_value_tier ON profiles (insights_value_tier, id);
CREATE INDEX IF NOT EXISTS profiles_insights_last_time ON profiles (insights_last_time, id);
ALTER TABLE profile_insights ADD COLUMN IF NOT EXISTS state MEDIUMBLOB NULL;

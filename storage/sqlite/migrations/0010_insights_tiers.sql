-- 0010_insights_tiers: the --value-tiers the stored insights were tiered
-- with (one row, id 1; the text of domain::ValueTiersText), so that a server
-- started with the same tiers skips re-tiering every profile.
CREATE TABLE insights_tiers (
  id INTEGER PRIMARY KEY NOT NULL,
  spec TEXT NOT NULL
);

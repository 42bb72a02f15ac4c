#pragma once

#include "absl/strings/string_view.h"

// The statements on profiles, their side tables and idempotency keys that
// SQLite and MySQL share, with '?' placeholders bound in order. The
// statements that differ (MySQL's locking read) live in the dialect's
// folder.
namespace cp::storage::sql {

// kSelectProfile reads the profile columns (see DecodeProfile) by id.
inline constexpr absl::string_view kSelectProfile =
    "SELECT id, revision, data FROM profiles WHERE id = ?";
// kListProfiles is followed by RenderProfileListQuery's fragment.
inline constexpr absl::string_view kListProfiles =
    "SELECT p.id, p.revision, p.data FROM profiles p ";
// Parameters: id, then the profile values: revision, create_time,
// update_time, delete_time (NULL while live), display_name, region_code,
// data, merged_into (NULL unless MERGED; see MergedIntoId) (times in
// microseconds, see ToMicros).
inline constexpr absl::string_view kInsertProfile =
    "INSERT INTO profiles (id, revision, create_time, update_time, delete_time, display_name, "
    "region_code, data, merged_into) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
// Parameters: the profile values (as for kInsertProfile), then id and the
// expected revision.
inline constexpr absl::string_view kUpdateProfile =
    "UPDATE profiles SET revision = ?, create_time = ?, update_time = ?, delete_time = ?, "
    "display_name = ?, region_code = ?, data = ?, merged_into = ? WHERE id = ? AND revision = ?";

// The side rows go in with one multi-row INSERT per table: the prefix, then
// MultiRowInsert repeats the row's placeholders. An external id is live (1)
// unless its profile is soft-deleted (NULL); constants, not values, so the
// unique key (system, external_id, live) never sees a bound value.
inline constexpr absl::string_view kInsertTags =
    "INSERT INTO profile_tags (profile_id, tag) VALUES ";
inline constexpr absl::string_view kTagRow = "(?, ?)";
inline constexpr absl::string_view kInsertContactPoints =
    "INSERT INTO profile_contact_points (profile_id, kind, value, lookup_value) VALUES ";
// Parameters: profile id, kind, value, ContactPointLookupValue(kind, value).
inline constexpr absl::string_view kContactPointRow = "(?, ?, ?, ?)";
inline constexpr absl::string_view kInsertExternalIds =
    "INSERT INTO profile_external_ids (profile_id, system, external_id, live) VALUES ";
inline constexpr absl::string_view kLiveExternalIdRow = "(?, ?, ?, 1)";
inline constexpr absl::string_view kDeletedExternalIdRow = "(?, ?, ?, NULL)";
// Parameter: the profile id.
inline constexpr absl::string_view kDeleteTags = "DELETE FROM profile_tags WHERE profile_id = ?";
inline constexpr absl::string_view kDeleteContactPoints =
    "DELETE FROM profile_contact_points WHERE profile_id = ?";
inline constexpr absl::string_view kDeleteExternalIds =
    "DELETE FROM profile_external_ids WHERE profile_id = ?";

// Parameters: system, external id.
inline constexpr absl::string_view kFindLiveByExternalId =
    "SELECT profile_id FROM profile_external_ids "
    "WHERE system = ? AND external_id = ? AND live = 1";

// The lookups read the profile columns (see DecodeProfile) of live profiles
// (a merged profile has no contact point rows and no live external ids),
// newest update first. Parameters: kind ("email" or "phone"), the lookup
// value (ContactPointLookupValue), limit.
// The holders are chosen and ordered in a derived table of ids first: MariaDB
// runs the IN through a temporary table, and one with the BLOB `data` in it
// cannot stay in memory, so every lookup created and deleted a temporary
// file (seen with perf: ~440 us of MariaDB CPU per lookup, mostly in the
// kernel's open/unlink).
inline constexpr absl::string_view kLookupByContactPoint =
    "SELECT p.id, p.revision, p.data FROM profiles p JOIN "
    "(SELECT q.id, q.update_time FROM profiles q WHERE q.delete_time IS NULL AND q.id IN "
    "(SELECT profile_id FROM profile_contact_points WHERE kind = ? AND lookup_value = ?) "
    "ORDER BY q.update_time DESC, q.id DESC LIMIT ?) t ON p.id = t.id "
    "ORDER BY t.update_time DESC, t.id DESC";
// Parameters: system, external id, limit.
inline constexpr absl::string_view kLookupByExternalId =
    "SELECT p.id, p.revision, p.data FROM profiles p WHERE p.delete_time IS NULL AND p.id IN "
    "(SELECT profile_id FROM profile_external_ids WHERE system = ? AND external_id = ? "
    "AND live = 1) ORDER BY p.update_time DESC, p.id DESC LIMIT ?";

// kMergedProfilesIn is completed by InList with the survivor ids.
inline constexpr absl::string_view kMergedProfilesIn =
    "SELECT id, merged_into FROM profiles WHERE merged_into IN (";

// The match key backfill (see migrations/0006_match_keys.sql).
inline constexpr absl::string_view kSelectMatchKeyBackfill =
    "SELECT next_id FROM match_key_backfill";
// Parameter: the last profile id done.
inline constexpr absl::string_view kUpdateMatchKeyBackfill =
    "UPDATE match_key_backfill SET next_id = ?";
inline constexpr absl::string_view kFinishMatchKeyBackfill = "DELETE FROM match_key_backfill";
// Parameters: the id to start after, limit. Reads the profile columns (see
// DecodeProfile).
inline constexpr absl::string_view kSelectProfilesAfter =
    "SELECT id, revision, data FROM profiles WHERE id > ? ORDER BY id LIMIT ?";
// Parameter: the profile id.
inline constexpr absl::string_view kDeleteMatchKeys =
    "DELETE FROM profile_contact_points WHERE profile_id = ? AND kind = 'match'";

// kSelectRequest reads the request columns (see DecodeRequest) by scope and
// request id.
inline constexpr absl::string_view kSelectRequest =
    "SELECT scope, request_id, request_hash, response, create_time FROM idempotency_keys "
    "WHERE scope = ? AND request_id = ?";
inline constexpr absl::string_view kInsertRequest =
    "INSERT INTO idempotency_keys (scope, request_id, request_hash, response, create_time) "
    "VALUES (?, ?, ?, ?, ?)";

// The savepoint that makes one profile write atomic inside a transaction.
inline constexpr absl::string_view kSavepoint = "SAVEPOINT profile_write";
inline constexpr absl::string_view kRollbackToSavepoint = "ROLLBACK TO SAVEPOINT profile_write";
inline constexpr absl::string_view kReleaseSavepoint = "RELEASE SAVEPOINT profile_write";

}  // namespace cp::storage::sql

#pragma once

#include "absl/strings/string_view.h"
#include "storage/consent_repository.h"
#include "storage/sql/filter_sql.h"

// The statements on purposes, notice versions, the consent ledger, its
// current state and confirmation tokens that SQLite and MySQL share, with
// '?' placeholders bound in order. The upsert of the current state differs
// and lives in the dialect's folder. The SELECTs read the columns the
// decoders of consent_rows.h expect.
namespace cp::storage::sql {

// Parameter: id.
inline constexpr absl::string_view kSelectPurpose =
    "SELECT id, revision, data FROM purposes WHERE id = ?";
// Parameters: after id, limit.
inline constexpr absl::string_view kListPurposes =
    "SELECT id, revision, data FROM purposes WHERE id > ? ORDER BY id LIMIT ?";
inline constexpr absl::string_view kInsertPurpose =
    "INSERT INTO purposes (id, revision, data) VALUES (?, ?, ?)";
// Parameters: revision, data, id, expected revision.
inline constexpr absl::string_view kUpdatePurpose =
    "UPDATE purposes SET revision = ?, data = ? WHERE id = ? AND revision = ?";

inline constexpr absl::string_view kInsertNotice =
    "INSERT INTO notice_versions (purpose_id, version, notice_text, create_time) "
    "VALUES (?, ?, ?, ?)";
// Parameters: purpose id, version.
inline constexpr absl::string_view kSelectNotice =
    "SELECT purpose_id, version, notice_text, create_time FROM notice_versions "
    "WHERE purpose_id = ? AND version = ?";
// Parameters: purpose id, versions below, limit.
inline constexpr absl::string_view kListNotices =
    "SELECT purpose_id, version, notice_text, create_time FROM notice_versions "
    "WHERE purpose_id = ? AND version < ? ORDER BY version DESC LIMIT ?";

// The event's sequence is assigned by the database (auto-increment).
inline constexpr absl::string_view kInsertEvent =
    "INSERT INTO consent_events (profile_id, event_id, purpose_id, channel, contact_point, "
    "occur_time, data) VALUES (?, ?, ?, ?, ?, ?, ?)";
// Parameters: profile id, event id.
inline constexpr absl::string_view kSelectEvent =
    "SELECT profile_id, event_id, sequence, purpose_id, channel, contact_point, occur_time, data "
    "FROM consent_events WHERE profile_id = ? AND event_id = ?";

// Parameter: profile id.
inline constexpr absl::string_view kListStates =
    "SELECT profile_id, purpose_id, channel, contact_point, event_id, occur_time, sequence, "
    "decision, pending FROM consent_states "
    "WHERE profile_id = ? ORDER BY purpose_id, channel, contact_point";
// Parameters: profile id, purpose id, channel.
inline constexpr absl::string_view kGetStates =
    "SELECT profile_id, purpose_id, channel, contact_point, event_id, occur_time, sequence, "
    "decision, pending FROM consent_states "
    "WHERE profile_id = ? AND purpose_id = ? AND channel = ? ORDER BY contact_point";

// The three reads of LoadCheckSubjects, each completed by InList with the
// (padded) profile ids. kStatesOfProfilesIn takes purpose id and channel
// first.
inline constexpr absl::string_view kSubjectProfilesIn =
    "SELECT id, delete_time IS NOT NULL, merged_into FROM profiles WHERE id IN (";
inline constexpr absl::string_view kStatesOfProfilesIn =
    "SELECT profile_id, purpose_id, channel, contact_point, event_id, occur_time, sequence, "
    "decision, pending FROM consent_states "
    "WHERE purpose_id = ? AND channel = ? AND profile_id IN (";
inline constexpr absl::string_view kContactPointsOfProfilesIn =
    "SELECT profile_id, kind, value FROM profile_contact_points "
    "WHERE kind IN ('email', 'phone') AND profile_id IN (";

inline constexpr absl::string_view kInsertToken =
    "INSERT INTO consent_confirmation_tokens (token_hash, profile_id, event_id, create_time, "
    "expire_time, use_time) VALUES (?, ?, ?, ?, ?, NULL)";
// Parameter: token hash.
inline constexpr absl::string_view kSelectToken =
    "SELECT token_hash, profile_id, event_id, create_time, expire_time, use_time "
    "FROM consent_confirmation_tokens WHERE token_hash = ?";
// Parameters: use time, token hash.
inline constexpr absl::string_view kUseToken =
    "UPDATE consent_confirmation_tokens SET use_time = ? "
    "WHERE token_hash = ? AND use_time IS NULL";

// RenderConsentEventQuery returns the SELECT of the events `query` selects,
// newest first, with its parameters (the columns of kSelectEvent).
SqlFragment RenderConsentEventQuery(const ConsentEventQuery& query);

}  // namespace cp::storage::sql

#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "customerprofile/v1/profile.pb.h"
#include "google/protobuf/timestamp.pb.h"
#include "storage/profile_query.h"
#include "storage/profile_record.h"
#include "storage/sql/row.h"
#include "storage/transaction.h"

// How profiles and idempotency records are stored in rows, the same for
// every dialect (statements in profile_statements.h).
namespace cp::storage::sql {

// ToMicros returns a timestamp as the microseconds since the epoch that the
// time columns hold.
inline int64_t ToMicros(const google::protobuf::Timestamp& time) {
  return time.seconds() * 1000000 + time.nanos() / 1000;
}

// DecodeProfile reads a row of (id, revision, data) into a record;
// DATA_LOSS when `data` is not a serialized profile.
absl::StatusOr<ProfileRecord> DecodeProfile(const SqlRow& row);

// DecodeRequest reads a row of kSelectRequest (scope, request_id,
// request_hash, response, create_time).
IdempotencyRecord DecodeRequest(const SqlRow& row);

// SideRows are the rows of the side tables that one profile implies, each
// list sorted and without duplicates (a profile may repeat a tag; its rows
// may not).
struct SideRows {
  std::vector<std::string> tags;
  // (system, external id)
  std::vector<std::pair<std::string, std::string>> external_ids;
  // Whether the external ids are live (the profile is not soft-deleted).
  bool live = true;
  // (kind, value): kind "email", "phone" or kMatchKeyKind (a key of
  // MatchKeysOf).
  std::vector<std::pair<std::string, std::string>> contact_points;

  bool operator==(const SideRows&) const = default;
};

// The contact point kind of the duplicate index's rows.
inline constexpr absl::string_view kMatchKeyKind = "match";

// SideRowsOf returns the side rows of `profile`. A MERGED profile keeps its
// tags but has no contact points, and its external ids are not live: its
// identifiers belong to the survivor.
SideRows SideRowsOf(const customerprofile::v1::Profile& profile);

// MatchKeyRowsOf returns the (kMatchKeyKind, key) contact point rows of
// `profile`'s duplicate index keys (none for a MERGED profile), as
// SideRowsOf includes them.
std::vector<std::pair<std::string, std::string>> MatchKeyRowsOf(
    const customerprofile::v1::Profile& profile);

// MergedIntoId returns the merged_into column of `profile`: the survivor's
// id while it is MERGED (a view into `profile`), nullopt otherwise.
std::optional<absl::string_view> MergedIntoId(const customerprofile::v1::Profile& profile);

// ContactPointLookupValue returns the lookup_value column of a contact point
// row: for "email" the address with its ASCII letters lowercased (the rule of
// domain::EmailAddressKey, kept minimal here as storage does not call the
// domain), for "phone" (and a match key) the value as stored.
std::string ContactPointLookupValue(absl::string_view kind, absl::string_view value);

// LookupKindOf returns the contact point kind ("email", "phone",
// kMatchKeyKind) of an identifier other than an external id.
absl::string_view LookupKindOf(ProfileIdentifier::Kind kind);

}  // namespace cp::storage::sql

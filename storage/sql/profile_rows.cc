#include "storage/sql/profile_rows.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "storage/match_keys.h"

namespace cp::storage::sql {
namespace {

template <typename T>
void SortUnique(std::vector<T>& values) {
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
}

}  // namespace

absl::StatusOr<ProfileRecord> DecodeProfile(const SqlRow& row) {
  ProfileRecord record;
  record.id = row.GetString(0);
  record.revision = row.GetInt64(1);
  if (!record.profile.ParseFromString(row.GetString(2))) {
    return absl::DataLossError("a stored profile cannot be parsed");
  }
  return record;
}

IdempotencyRecord DecodeRequest(const SqlRow& row) {
  IdempotencyRecord record;
  record.scope = row.GetString(0);
  record.request_id = row.GetString(1);
  record.request_hash = row.GetString(2);
  record.response = row.GetString(3);
  record.create_time = absl::FromUnixMicros(row.GetInt64(4));
  return record;
}

SideRows SideRowsOf(const customerprofile::v1::Profile& profile) {
  SideRows rows;
  rows.tags.assign(profile.tags().begin(), profile.tags().end());
  SortUnique(rows.tags);
  for (const customerprofile::v1::ExternalId& external_id : profile.external_ids()) {
    rows.external_ids.emplace_back(external_id.system(), external_id.id());
  }
  SortUnique(rows.external_ids);
  const bool merged = profile.state() == customerprofile::v1::PROFILE_STATE_MERGED;
  rows.live = !profile.has_delete_time() && !merged;
  if (merged) return rows;
  for (const customerprofile::v1::Email& email : profile.emails()) {
    rows.contact_points.emplace_back("email", email.address());
  }
  for (const customerprofile::v1::Phone& phone : profile.phones()) {
    rows.contact_points.emplace_back("phone", phone.number());
  }
  for (auto& row : MatchKeyRowsOf(profile)) rows.contact_points.push_back(std::move(row));
  SortUnique(rows.contact_points);
  return rows;
}

std::vector<std::pair<std::string, std::string>> MatchKeyRowsOf(
    const customerprofile::v1::Profile& profile) {
  std::vector<std::pair<std::string, std::string>> rows;
  if (profile.state() == customerprofile::v1::PROFILE_STATE_MERGED) return rows;
  for (std::string& key : MatchKeysOf(profile)) {
    rows.emplace_back(std::string(kMatchKeyKind), std::move(key));
  }
  return rows;
}

std::optional<absl::string_view> MergedIntoId(const customerprofile::v1::Profile& profile) {
  if (profile.state() != customerprofile::v1::PROFILE_STATE_MERGED) return std::nullopt;
  absl::string_view survivor = profile.merged_into();
  absl::ConsumePrefix(&survivor, "profiles/");
  return survivor;
}

std::string ContactPointLookupValue(absl::string_view kind, absl::string_view value) {
  if (kind == "email") return absl::AsciiStrToLower(value);
  return std::string(value);
}

absl::string_view LookupKindOf(ProfileIdentifier::Kind kind) {
  switch (kind) {
    case ProfileIdentifier::Kind::kPhone:
      return "phone";
    case ProfileIdentifier::Kind::kMatchKey:
      return kMatchKeyKind;
    default:
      return "email";
  }
}

}  // namespace cp::storage::sql

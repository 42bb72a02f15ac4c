#include "domain/profile/profile_manager.h"

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/algorithm/container.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "domain/change/change_recorder.h"
#include "domain/common/error_reasons.h"
#include "domain/common/errors.h"
#include "domain/common/idempotency.h"
#include "domain/common/page_token.h"
#include "domain/common/paging.h"
#include "domain/common/proto_time.h"
#include "domain/common/resource_names.h"
#include "domain/identity/email_address.h"
#include "domain/identity/phone_number.h"
#include "domain/profile/profile_filter.h"
#include "domain/profile/profile_patch.h"
#include "domain/profile/profile_resource.h"
#include "protos/runtime/tolerant_parse.h"

namespace cp::domain {
namespace {

using customerprofile::v1::CreateProfileRequest;
using customerprofile::v1::DeleteProfileRequest;
using customerprofile::v1::GetProfileRequest;
using customerprofile::v1::ListProfilesRequest;
using customerprofile::v1::ListProfilesResponse;
using customerprofile::v1::Profile;
using customerprofile::v1::UndeleteProfileRequest;
using customerprofile::v1::UpdateProfileRequest;
using storage::ProfileRecord;
using storage::Transaction;
using storage::TransactionMode;

constexpr absl::string_view kCreateScope = "CreateProfile";

// AddOutputOnlyViolations refuses output-only fields set on a new profile,
// so that a client never believes it set them.
void AddOutputOnlyViolations(const Profile& profile, FieldViolations* violations) {
  constexpr char kWhy[] = "is output only and cannot be set";
  if (!profile.name().empty()) violations->Add("profile.name", kWhy);
  if (!profile.etag().empty()) violations->Add("profile.etag", kWhy);
  if (profile.has_create_time()) violations->Add("profile.create_time", kWhy);
  if (profile.has_update_time()) violations->Add("profile.update_time", kWhy);
  if (profile.has_delete_time()) violations->Add("profile.delete_time", kWhy);
  if (profile.state() != customerprofile::v1::PROFILE_STATE_UNSPECIFIED) {
    violations->Add("profile.state", kWhy);
  }
  if (!profile.merged_into().empty()) violations->Add("profile.merged_into", kWhy);
  if (profile.provenance_size() > 0) violations->Add("profile.provenance", kWhy);
  if (profile.has_insights()) violations->Add("profile.insights", kWhy);
}

// CheckTimesUnchanged refuses an update that tries to change the
// output-only times; sending back the values read is fine, so that a
// read-modify-write of a whole profile works.
absl::Status CheckTimesUnchanged(const Profile& request, const Profile& stored) {
  FieldViolations violations;
  constexpr char kWhy[] = "is output only and cannot be changed";
  auto differs = [](bool has, const google::protobuf::Timestamp& sent, bool stored_has,
                    const google::protobuf::Timestamp& current) {
    return has && (!stored_has || sent.SerializeAsString() != current.SerializeAsString());
  };
  if (differs(request.has_create_time(), request.create_time(), stored.has_create_time(),
              stored.create_time())) {
    violations.Add("profile.create_time", kWhy);
  }
  if (differs(request.has_update_time(), request.update_time(), stored.has_update_time(),
              stored.update_time())) {
    violations.Add("profile.update_time", kWhy);
  }
  if (differs(request.has_delete_time(), request.delete_time(), stored.has_delete_time(),
              stored.delete_time())) {
    violations.Add("profile.delete_time", kWhy);
  }
  return violations.ToStatus();
}

// CheckUtf8 is AddInvalidUtf8 for requests with no other checks up front.
absl::Status CheckUtf8(const google::protobuf::Message& request) {
  FieldViolations violations;
  AddInvalidUtf8(request, &violations);
  return violations.ToStatus();
}

// ExternalIdPairs returns the (system, id) pairs of `profile`, sorted.
std::vector<std::pair<std::string, std::string>> ExternalIdPairs(const Profile& profile) {
  std::vector<std::pair<std::string, std::string>> pairs;
  pairs.reserve(profile.external_ids_size());
  for (const auto& external_id : profile.external_ids()) {
    pairs.emplace_back(external_id.system(), external_id.id());
  }
  std::sort(pairs.begin(), pairs.end());
  return pairs;
}

// ExplainConflict turns a bare ALREADY_EXISTS from the store (a race that a
// unique key decided after our checks passed) into the error a client can
// act on: which external id system collided, if any.
absl::Status ExplainConflict(storage::Store* store, const absl::Status& status,
                             const Profile& profile, absl::string_view self_id,
                             absl::Time deadline) {
  if (status.code() != absl::StatusCode::kAlreadyExists || GetErrorInfo(status)) return status;
  absl::Status explained = status;
  absl::Status read = store->Run(TransactionMode::kReadOnly, deadline, [&](Transaction& tx) {
    explained = CheckExternalIds(tx, profile, self_id);
    return absl::OkStatus();
  });
  if (read.ok() && !explained.ok()) return explained;
  return MakeError(absl::StatusCode::kAlreadyExists, kProfileAlreadyExists,
                   "a concurrent write created a conflicting profile: retry");
}

// CursorKey is the value of the order column of `profile`, for its cursor.
CursorField CursorKey(const Profile& profile, storage::ProfileOrderField field) {
  switch (field) {
    case storage::ProfileOrderField::kUpdateTime:
      return absl::ToUnixMicros(FromProtoTime(profile.update_time()));
    case storage::ProfileOrderField::kDisplayName:
      return profile.display_name();
    case storage::ProfileOrderField::kCreateTime:
    case storage::ProfileOrderField::kInsightsLastInteractionTime:  // see ListProfiles
      break;
  }
  return absl::ToUnixMicros(FromProtoTime(profile.create_time()));
}

// RecordProfileChange appends the change `kind` of a profile, from
// `before` (null when created) to the record as written, to the change log.
absl::Status RecordProfileChange(Transaction& tx, const CallContext& context, absl::Time now,
                                 customerprofile::v1::ChangeKind kind, const std::string& id,
                                 const Profile* before, const Profile& after) {
  return RecordChange(tx, context, now,
                      {customerprofile::v1::CHANGE_RESOURCE_TYPE_PROFILE, after.name(), id}, kind,
                      before, &after, after.etag());
}

}  // namespace

ProfileManager::ProfileManager(storage::Store* store, const Clock* clock, IdGenerator* ids,
                               ProfileManagerOptions options)
    : store_(store),
      clock_(clock),
      ids_(ids),
      options_(std::move(options)),
      validator_(clock, options_.validation) {}

absl::StatusOr<Profile> ProfileManager::CreateProfile(const CreateProfileRequest& request,
                                                      const CallContext& context) {
  FieldViolations violations;
  AddInvalidUtf8(request, &violations);
  validator_.CheckRequestSize("profile", request.ByteSizeLong(), &violations);
  if (!request.profile_id().empty() && !IsValidResourceId(request.profile_id())) {
    violations.Add("profile_id",
                   "must be 1-63 characters of [a-z0-9-], start with a letter and not end "
                   "with '-'");
  }
  CheckRequestId(request.request_id(), &violations);
  AddOutputOnlyViolations(request.profile(), &violations);
  Profile profile = request.profile();
  validator_.Normalize("profile", &profile, &violations);
  if (!violations.empty()) return violations.ToStatus();

  absl::Time now = TruncateToMicros(clock_->Now());
  *profile.mutable_create_time() = ToProtoTime(now);
  *profile.mutable_update_time() = ToProtoTime(now);
  std::string request_hash = request.request_id().empty() ? "" : RequestHash(request);
  std::string new_id = request.profile_id().empty() ? ids_->NewId() : request.profile_id();

  Profile result;
  absl::Status status = store_->Run(
      TransactionMode::kReadWrite, context.deadline, [&](Transaction& tx) -> absl::Status {
        if (!request.request_id().empty()) {
          absl::StatusOr<bool> replayed =
              FindReplay(tx, kCreateScope, request.request_id(), request_hash, &result);
          if (!replayed.ok() || *replayed) return replayed.status();
        }
        auto existing = tx.GetProfile(new_id);
        if (!existing.ok()) return existing.status();
        if (existing->has_value()) {
          return MakeError(absl::StatusCode::kAlreadyExists, kProfileAlreadyExists,
                           "a profile with this id already exists",
                           {{"name", ProfileName(new_id)}});
        }
        if (absl::Status s = CheckExternalIds(tx, profile, new_id); !s.ok()) return s;
        ProfileRecord record{new_id, 1, profile};
        record.profile.set_name(ProfileName(new_id));
        if (absl::Status s = tx.InsertProfile(record); !s.ok()) return s;
        result = ToProfileResource(record);
        if (absl::Status s =
                RecordProfileChange(tx, context, now, customerprofile::v1::CHANGE_KIND_CREATED,
                                    new_id, nullptr, result);
            !s.ok()) {
          return s;
        }
        if (!request.request_id().empty()) {
          if (absl::Status s = RememberResponse(tx, kCreateScope, request.request_id(),
                                                request_hash, result, now);
              !s.ok()) {
            return s;
          }
        }
        return absl::OkStatus();
      });
  if (status.code() == absl::StatusCode::kAlreadyExists && !request.request_id().empty()) {
    // Two servers took the same request_id at once and the other one
    // committed first: answer as a replay would.
    absl::StatusOr<Profile> first = ReplayedResult(request.request_id(), request_hash, context);
    if (first.ok() || first.status().code() != absl::StatusCode::kNotFound) return first;
  }
  if (!status.ok()) return ExplainConflict(store_, status, profile, new_id, context.deadline);
  return result;
}

absl::StatusOr<Profile> ProfileManager::ReplayedResult(absl::string_view request_id,
                                                       absl::string_view request_hash,
                                                       const CallContext& context) {
  Profile result;
  absl::Status status =
      store_->Run(TransactionMode::kReadOnly, context.deadline, [&](Transaction& tx) {
        absl::StatusOr<bool> replayed =
            FindReplay(tx, kCreateScope, request_id, request_hash, &result);
        if (!replayed.ok()) return replayed.status();
        return *replayed ? absl::OkStatus() : absl::NotFoundError("no stored request");
      });
  if (!status.ok()) return status;
  return result;
}

absl::StatusOr<Profile> ProfileManager::GetProfile(const GetProfileRequest& request,
                                                   const CallContext& context) {
  if (absl::Status utf8 = CheckUtf8(request); !utf8.ok()) return utf8;
  absl::StatusOr<std::string> id = ParseProfileName(request.name(), "name");
  if (!id.ok()) return id.status();
  Profile result;
  absl::Status status =
      store_->Run(TransactionMode::kReadOnly, context.deadline, [&](Transaction& tx) {
        auto record = tx.GetProfile(*id);
        if (!record.ok()) return record.status();
        if (!record->has_value()) return ProfileNotFound(*id);
        const bool full = request.view() == customerprofile::v1::PROFILE_VIEW_FULL;
        result = ToProfileResource(**record, full);
        if (full) {
          // The timeline's insights come with the full view only: they live
          // beside the profile, written with each interaction.
          auto insights = tx.interactions().GetInsights(*id);
          if (!insights.ok()) return insights.status();
          if (insights->has_value()) *result.mutable_insights() = **insights;
        }
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return result;
}

absl::StatusOr<customerprofile::v1::BatchGetProfilesResponse> ProfileManager::BatchGetProfiles(
    const customerprofile::v1::BatchGetProfilesRequest& request, const CallContext& context) {
  FieldViolations violations;
  AddInvalidUtf8(request, &violations);
  if (request.names_size() > kMaxBatchGetNames) {
    violations.Add("names", absl::StrCat("at most ", kMaxBatchGetNames, " names per call"));
  }
  std::vector<std::string> ids;
  ids.reserve(request.names_size());
  for (int i = 0; i < request.names_size() && i < kMaxBatchGetNames; ++i) {
    std::string field = absl::StrCat("names[", i, "]");
    absl::StatusOr<std::string> id = ParseProfileName(request.names(i), field);
    if (!id.ok()) {
      violations.Add(field, "must be a profile name, \"profiles/{profile}\"");
      continue;
    }
    ids.push_back(*std::move(id));
  }
  if (!violations.empty()) return violations.ToStatus();
  customerprofile::v1::BatchGetProfilesResponse response;
  absl::Status status =
      store_->Run(TransactionMode::kReadOnly, context.deadline, [&](Transaction& tx) {
        response.Clear();
        for (const std::string& id : ids) {
          auto record = tx.GetProfile(id);
          if (!record.ok()) return record.status();
          if (!record->has_value()) {
            if (!request.allow_missing()) return ProfileNotFound(id);
            response.add_missing_names(ProfileName(id));
            continue;
          }
          *response.add_profiles() = ToProfileResource(**record);
        }
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return response;
}

absl::StatusOr<customerprofile::v1::LookupProfilesResponse> ProfileManager::LookupProfiles(
    const customerprofile::v1::LookupProfilesRequest& request, const CallContext& context) {
  using customerprofile::v1::LookupProfilesRequest;
  using Kind = storage::ProfileIdentifier::Kind;
  FieldViolations violations;
  AddInvalidUtf8(request, &violations);
  std::string region = absl::AsciiStrToUpper(request.region_code());
  // A malformed region is reported alone: the phone cannot be read in it.
  const bool region_ok =
      region.empty() || (region.size() == 2 && absl::c_all_of(region, absl::ascii_isalpha));
  if (!region_ok) violations.Add("region_code", "must be an ISO 3166-1 alpha-2 region code");
  if (region.empty()) region = validator_.options().default_phone_region;
  storage::ProfileIdentifier identifier;
  switch (request.identifier_case()) {
    case LookupProfilesRequest::kEmail: {
      std::string address = request.email();
      if (NormalizeEmailAddress("email", &address, &violations)) {
        identifier = {Kind::kEmail, "", EmailAddressKey(address)};
      }
      break;
    }
    case LookupProfilesRequest::kPhone: {
      std::string number = request.phone();
      if (region_ok && NormalizePhoneNumber("phone", region, &number, &violations)) {
        identifier = {Kind::kPhone, "", number};
      }
      break;
    }
    case LookupProfilesRequest::kExternalId: {
      const customerprofile::v1::ExternalId& external_id = request.external_id();
      if (external_id.system().empty()) violations.Add("external_id.system", "is required");
      if (external_id.id().empty()) violations.Add("external_id.id", "is required");
      identifier = {Kind::kExternalId, external_id.system(), external_id.id()};
      break;
    }
    case LookupProfilesRequest::IDENTIFIER_NOT_SET:
      violations.Add("identifier", "one of email, phone or external_id is required");
      break;
  }
  if (!violations.empty()) return violations.ToStatus();
  customerprofile::v1::LookupProfilesResponse response;
  absl::Status status =
      store_->Run(TransactionMode::kReadOnly, context.deadline, [&](Transaction& tx) {
        response.Clear();
        auto records = tx.LookupProfiles(identifier, kMaxLookupProfiles + 1);
        if (!records.ok()) return records.status();
        for (const ProfileRecord& record : *records) {
          if (response.profiles_size() == kMaxLookupProfiles) {
            response.set_more_exist(true);
            break;
          }
          *response.add_profiles() = ToProfileResource(record);
        }
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return response;
}

bool ProfileManager::GetCachedProfile(const GetProfileRequest& request, Profile* out) {
  storage::ProfileCache* cache = store_->profile_cache();
  if (cache == nullptr) return false;
  if (request.view() == customerprofile::v1::PROFILE_VIEW_FULL) return false;
  absl::StatusOr<std::string> id = ParseProfileName(request.name(), "name");
  if (!id.ok()) return false;
  std::shared_ptr<const storage::CachedProfile> row = cache->Lookup(*id);
  if (row == nullptr) return false;
  Profile profile;
  if (!profile.ParseFromString(row->data)) return false;
  SetProfileView(*id, row->revision, /*with_provenance=*/false, &profile);
  *out = std::move(profile);
  return true;
}

absl::StatusOr<Profile> ProfileManager::UpdateProfile(const UpdateProfileRequest& request,
                                                      const CallContext& context) {
  FieldViolations violations;
  AddInvalidUtf8(request, &violations);
  validator_.CheckRequestSize("profile", request.ByteSizeLong(), &violations);
  absl::StatusOr<std::string> id = ParseProfileName(request.profile().name(), "profile.name");
  if (!id.ok()) violations.AddAll(id.status());
  const google::protobuf::FieldMask* mask =
      request.has_update_mask() ? &request.update_mask() : nullptr;
  if (mask != nullptr) validator_.ValidateUpdateMask(*mask, &violations);
  if (!violations.empty()) return violations.ToStatus();

  std::vector<std::string> paths = EffectiveUpdatePaths(mask, request.profile());
  Profile patch = ExtractPatch(request.profile(), paths);
  validator_.Normalize("profile", &patch, &violations);
  if (!violations.empty()) return violations.ToStatus();

  absl::Time now = TruncateToMicros(clock_->Now());
  Profile result;
  absl::Status status =
      store_->Run(TransactionMode::kReadWrite, context.deadline, [&](Transaction& tx) {
        auto current = tx.GetProfile(*id);
        if (!current.ok()) return current.status();
        if (!current->has_value()) return ProfileNotFound(*id);
        ProfileRecord record = **current;
        if (absl::Status s = CheckNotDeleted(record); !s.ok()) return s;
        // A stale etag is ABORTED first, so that a write racing a merge
        // loses with ABORTED whichever commits first.
        if (absl::Status s = CheckProfileEtag(record, request.profile().etag()); !s.ok()) return s;
        if (absl::Status s = CheckNotMerged(record); !s.ok()) return s;
        if (absl::Status s = CheckTimesUnchanged(request.profile(), record.profile); !s.ok()) {
          return s;
        }
        ApplyPatch(patch, paths, &record.profile);
        // A patch of single attributes can only be checked against the
        // limits once merged with what is stored.
        FieldViolations merged;
        validator_.Normalize("profile", &record.profile, &merged);
        if (!merged.empty()) return merged.ToStatus();
        *record.profile.mutable_update_time() = ToProtoTime(now);
        // The stored external ids of a live profile are unique among live
        // profiles already (this check and the unique key saw to it), so
        // only an update that changes them needs the lookups, one round
        // trip each; most updates are masked to other fields.
        if (ExternalIdPairs(record.profile) != ExternalIdPairs((*current)->profile)) {
          if (absl::Status s = CheckExternalIds(tx, record.profile, *id); !s.ok()) return s;
        }
        int64_t expected = record.revision;
        record.revision = expected + 1;
        result = ToProfileResource(record);
        if (absl::Status s = tx.UpdateProfile(record, expected); !s.ok()) return s;
        const Profile before = ToProfileResource(**current);
        return RecordProfileChange(tx, context, now, customerprofile::v1::CHANGE_KIND_UPDATED, *id,
                                   &before, result);
      });
  if (!status.ok()) return ExplainConflict(store_, status, result, *id, context.deadline);
  return result;
}

absl::StatusOr<Profile> ProfileManager::DeleteProfile(const DeleteProfileRequest& request,
                                                      const CallContext& context) {
  if (absl::Status utf8 = CheckUtf8(request); !utf8.ok()) return utf8;
  absl::StatusOr<std::string> id = ParseProfileName(request.name(), "name");
  if (!id.ok()) return id.status();
  absl::Time now = TruncateToMicros(clock_->Now());
  Profile result;
  absl::Status status =
      store_->Run(TransactionMode::kReadWrite, context.deadline, [&](Transaction& tx) {
        auto current = tx.GetProfile(*id);
        if (!current.ok()) return current.status();
        if (!current->has_value()) return ProfileNotFound(*id);
        ProfileRecord record = **current;
        if (absl::Status s = CheckProfileEtag(record, request.etag()); !s.ok()) return s;
        if (absl::Status s = CheckNotMerged(record); !s.ok()) return s;
        if (record.profile.has_delete_time()) {
          return MakeError(absl::StatusCode::kFailedPrecondition, "PROFILE_ALREADY_DELETED",
                           "the profile is already deleted", {{"name", ProfileName(*id)}});
        }
        *record.profile.mutable_delete_time() = ToProtoTime(now);
        *record.profile.mutable_update_time() = ToProtoTime(now);
        int64_t expected = record.revision;
        record.revision = expected + 1;
        result = ToProfileResource(record);
        if (absl::Status s = tx.UpdateProfile(record, expected); !s.ok()) return s;
        const Profile before = ToProfileResource(**current);
        return RecordProfileChange(tx, context, now, customerprofile::v1::CHANGE_KIND_DELETED, *id,
                                   &before, result);
      });
  if (!status.ok()) return status;
  return result;
}

absl::StatusOr<Profile> ProfileManager::UndeleteProfile(const UndeleteProfileRequest& request,
                                                        const CallContext& context) {
  if (absl::Status utf8 = CheckUtf8(request); !utf8.ok()) return utf8;
  absl::StatusOr<std::string> id = ParseProfileName(request.name(), "name");
  if (!id.ok()) return id.status();
  absl::Time now = TruncateToMicros(clock_->Now());
  Profile result;
  absl::Status status =
      store_->Run(TransactionMode::kReadWrite, context.deadline, [&](Transaction& tx) {
        auto current = tx.GetProfile(*id);
        if (!current.ok()) return current.status();
        if (!current->has_value()) return ProfileNotFound(*id);
        ProfileRecord record = **current;
        if (absl::Status s = CheckProfileEtag(record, request.etag()); !s.ok()) return s;
        if (absl::Status s = CheckNotMerged(record); !s.ok()) return s;
        if (!record.profile.has_delete_time()) {
          // AIP-164: undeleting what is not deleted MUST be ALREADY_EXISTS.
          return MakeError(absl::StatusCode::kAlreadyExists, "PROFILE_NOT_DELETED",
                           "the profile is not deleted", {{"name", ProfileName(*id)}});
        }
        if (absl::Status s = CheckExternalIds(tx, record.profile, *id); !s.ok()) return s;
        record.profile.clear_delete_time();
        *record.profile.mutable_update_time() = ToProtoTime(now);
        int64_t expected = record.revision;
        record.revision = expected + 1;
        result = ToProfileResource(record);
        if (absl::Status s = tx.UpdateProfile(record, expected); !s.ok()) return s;
        const Profile before = ToProfileResource(**current);
        return RecordProfileChange(tx, context, now, customerprofile::v1::CHANGE_KIND_UNDELETED,
                                   *id, &before, result);
      });
  if (!status.ok()) return ExplainConflict(store_, status, result, *id, context.deadline);
  return result;
}

absl::StatusOr<ListProfilesResponse> ProfileManager::ListProfiles(
    const ListProfilesRequest& request, const CallContext& context) {
  FieldViolations violations;
  AddInvalidUtf8(request, &violations);
  if (!violations.empty()) return violations.ToStatus();
  int page_size = ResolvePageSize(request.page_size(), options_.paging, context, &violations);
  auto filter = ParseProfileFilter(request.filter(), validator_.options().default_phone_region);
  auto order = ParseProfileOrderBy(request.order_by());
  for (const absl::Status* s : {&filter.status(), &order.status()}) {
    if (!s->ok() && !violations.AddAll(*s)) return *s;
  }
  const ListQuery list{.kind = "profiles",
                       .filter = request.filter(),
                       .order_by = request.order_by(),
                       .show_deleted = request.show_deleted()};
  std::optional<storage::ProfileCursor> after;
  if (!request.page_token().empty() && order.ok()) {
    const CursorFieldType key = order->field == storage::ProfileOrderField::kDisplayName
                                    ? CursorFieldType::kString
                                    : CursorFieldType::kInt;
    absl::StatusOr<PageCursor> cursor =
        DecodePageToken(request.page_token(), list, {key, CursorFieldType::kString});
    if (!cursor.ok()) {
      violations.AddAll(cursor.status());
    } else if (std::get<std::string>((*cursor)[1]).empty()) {
      violations.AddAll(
          InvalidPageToken("page_token is malformed; pass next_page_token unchanged"));
    } else {
      after = storage::ProfileCursor{std::move((*cursor)[0]), std::get<std::string>((*cursor)[1])};
    }
  }
  if (!violations.empty()) return violations.ToStatus();

  storage::ProfileListQuery query;
  query.filter = *filter;
  query.order_field = order->field;
  query.descending = order->descending;
  query.show_deleted = request.show_deleted();
  query.limit = page_size + 1;
  query.after = after;

  ListProfilesResponse response;
  absl::Status status =
      store_->Run(TransactionMode::kReadOnly, context.deadline, [&](Transaction& tx) {
        auto records = tx.ListProfiles(query);
        if (!records.ok()) return records.status();
        response.Clear();
        int n = std::min<int>(records->size(), page_size);
        for (int i = 0; i < n; ++i) *response.add_profiles() = ToProfileResource((*records)[i]);
        if (static_cast<int>(records->size()) > page_size) {
          const ProfileRecord& last = (*records)[n - 1];
          CursorField key = CursorKey(last.profile, order->field);
          if (order->field == storage::ProfileOrderField::kInsightsLastInteractionTime) {
            // The key lives with the insights, read in the same snapshot.
            auto insights = tx.interactions().GetInsights(last.id);
            if (!insights.ok()) return insights.status();
            key = int64_t{0};
            if (insights->has_value() && (*insights)->has_last_interaction_time()) {
              key = absl::ToUnixMicros(FromProtoTime((*insights)->last_interaction_time()));
            }
          }
          response.set_next_page_token(EncodePageToken(list, {key, last.id}));
        }
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return response;
}

}  // namespace cp::domain

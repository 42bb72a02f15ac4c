#include "domain/profile/merge_manager.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"
#include "domain/change/change_recorder.h"
#include "domain/common/error_reasons.h"
#include "domain/common/errors.h"
#include "domain/common/idempotency.h"
#include "domain/common/page_token.h"
#include "domain/common/proto_time.h"
#include "domain/common/resource_names.h"
#include "domain/identity/profile_merge.h"
#include "domain/profile/profile_resource.h"

namespace cp::domain {
namespace {

namespace v1 = ::customerprofile::v1;
using storage::MergeRecord;
using storage::ProfileRecord;
using storage::Transaction;
using storage::TransactionMode;

constexpr absl::string_view kMergeScope = "MergeProfiles";
constexpr absl::string_view kUnmergeScope = "UnmergeProfile";
constexpr absl::string_view kMergeNotFound = "MERGE_NOT_FOUND";
constexpr absl::string_view kMergeAlreadyUndone = "MERGE_ALREADY_UNDONE";
constexpr absl::string_view kMergeHasLaterMerge = "MERGE_HAS_LATER_MERGE";
constexpr absl::string_view kMergeExceedsLimits = "MERGE_EXCEEDS_LIMITS";

// DisplayKey is the key of a moved value as the API shows it: "system:id"
// for an external id, the lines, postal code, locality and region joined
// with ", " for an address.
std::string DisplayKey(const MovedValue& value) {
  if (value.field == "external_ids") return absl::StrReplaceAll(value.key, {{"\x1f", ":"}});
  if (value.field == "addresses") return absl::StrReplaceAll(value.key, {{"\x1f", ", "}});
  return value.key;
}

v1::MovedValue ToProto(const MovedValue& value) {
  v1::MovedValue proto;
  proto.set_field(value.field);
  proto.set_key(DisplayKey(value));
  proto.set_source_profile(ProfileName(value.from_profile_id));
  *proto.mutable_value() = value.value;
  return proto;
}

// FromProto reads a stored moved value back, with the key it is found by
// recomputed from the value.
MovedValue FromProto(const v1::MovedValue& proto) {
  MovedValue value;
  value.field = proto.field();
  absl::string_view source = proto.source_profile();
  absl::ConsumePrefix(&source, "profiles/");
  value.from_profile_id = std::string(source);
  value.value = proto.value();
  static const std::set<std::string> kRepeated = {"emails", "phones", "addresses", "external_ids",
                                                  "tags"};
  if (kRepeated.count(value.field) > 0) {
    value.key = MergeKeyOf(value.value, value.field, 0);
  } else if (value.field == "attributes") {
    value.key = proto.key();
  }
  return value;
}

// StoredForm turns an API view of a profile (a before-image) back into what
// the store keeps.
v1::Profile StoredForm(v1::Profile profile) {
  profile.clear_etag();
  if (profile.state() == v1::PROFILE_STATE_ACTIVE) profile.clear_state();
  return profile;
}

// WithName is the stored profile of `record` with its name set, as the
// merge rules identify profiles by name.
v1::Profile WithName(const ProfileRecord& record) {
  v1::Profile profile = record.profile;
  profile.set_name(ProfileName(record.id));
  return profile;
}

absl::Status MergeNotFound(absl::string_view name) {
  return MakeError(absl::StatusCode::kNotFound, kMergeNotFound, "merge not found",
                   {{"name", std::string(name)}});
}

// CheckMergeable reads profile `id` for a merge: it must exist, be at
// `etag` (when given), not be merged and not be deleted.
absl::StatusOr<ProfileRecord> ReadMergeable(Transaction& tx, const std::string& id,
                                            absl::string_view etag) {
  auto record = tx.GetProfile(id);
  if (!record.ok()) return record.status();
  if (!record->has_value()) return ProfileNotFound(id);
  if (absl::Status s = CheckProfileEtag(**record, etag); !s.ok()) return s;
  if (absl::Status s = CheckNotMerged(**record); !s.ok()) return s;
  if (absl::Status s = CheckNotDeleted(**record); !s.ok()) return s;
  return **std::move(record);
}

// SetProvenance records on the survivor where each moved value came from:
// an earlier entry for the same value is replaced.
void AddProvenance(const std::vector<MovedValue>& moved, absl::string_view merge_name,
                   v1::Profile* survivor) {
  for (const MovedValue& value : moved) {
    std::string key = DisplayKey(value);
    auto* entries = survivor->mutable_provenance();
    entries->erase(std::remove_if(entries->begin(), entries->end(),
                                  [&](const v1::ValueProvenance& p) {
                                    return p.field() == value.field && p.key() == key;
                                  }),
                   entries->end());
    v1::ValueProvenance* entry = survivor->add_provenance();
    entry->set_field(value.field);
    entry->set_key(key);
    entry->set_source_profile(ProfileName(value.from_profile_id));
    entry->set_merge(std::string(merge_name));
  }
}

// RemoveProvenance drops the survivor's provenance of merge `merge_name`
// for the values that left it, and gives the single values and attributes
// that went back to their before-image their provenance from then.
void RemoveProvenance(absl::string_view merge_name, const std::vector<MovedValue>& kept,
                      const v1::Profile& before, v1::Profile* survivor) {
  std::set<std::pair<std::string, std::string>> stays;
  for (const MovedValue& value : kept) stays.emplace(value.field, DisplayKey(value));
  google::protobuf::RepeatedPtrField<v1::ValueProvenance> entries;
  std::set<std::pair<std::string, std::string>> left;
  for (const v1::ValueProvenance& entry : survivor->provenance()) {
    if (entry.merge() != merge_name || stays.count({entry.field(), entry.key()}) > 0) {
      *entries.Add() = entry;
    } else {
      left.emplace(entry.field(), entry.key());
    }
  }
  for (const v1::ValueProvenance& entry : before.provenance()) {
    if (left.count({entry.field(), entry.key()}) > 0) *entries.Add() = entry;
  }
  *survivor->mutable_provenance() = std::move(entries);
}

// RecordProfileChange appends the change `kind` of profile `id` from
// `before` to `after` to the change log.
absl::Status RecordProfileChange(Transaction& tx, const CallContext& context, absl::Time now,
                                 v1::ChangeKind kind, const std::string& id,
                                 const v1::Profile& before, const v1::Profile& after) {
  return RecordChange(tx, context, now, {v1::CHANGE_RESOURCE_TYPE_PROFILE, ProfileName(id), id},
                      kind, &before, &after, after.etag());
}

// The fields of a Merge that copy whole profiles: its change names them,
// the profiles' own changes carry their values.
constexpr absl::string_view kMergeImageFields[] = {"before_images", "moved_values", "kept_values"};

// RecordMergeChange appends the change `kind` of a merge into `survivor_id`
// to the change log.
absl::Status RecordMergeChange(Transaction& tx, const CallContext& context, absl::Time now,
                               v1::ChangeKind kind, const std::string& survivor_id,
                               const v1::Merge* before, const v1::Merge& after) {
  return RecordChange(tx, context, now, {v1::CHANGE_RESOURCE_TYPE_MERGE, after.name(), survivor_id},
                      kind, before, &after, "", kMergeImageFields);
}

// MergeCursorKey is the (create_time, merge id) a merge is ordered by.
std::pair<int64_t, std::string> MergeOrder(const MergeRecord& record) {
  return {absl::ToUnixMicros(record.create_time), record.merge_id};
}

}  // namespace

MergeManager::MergeManager(storage::Store* store, const Clock* clock, IdGenerator* ids,
                           const ProfileValidator* validator, PagingOptions paging,
                           TimelineMover* timeline)
    : store_(store),
      clock_(clock),
      ids_(ids),
      validator_(validator),
      paging_(paging),
      timeline_(timeline) {}

absl::StatusOr<v1::MergeProfilesResponse> MergeManager::MergeProfiles(
    const v1::MergeProfilesRequest& request, const CallContext& context) {
  FieldViolations violations;
  AddInvalidUtf8(request, &violations);
  CheckRequestId(request.request_id(), &violations);
  absl::StatusOr<std::string> survivor_id = ParseProfileName(request.survivor(), "survivor");
  if (!survivor_id.ok()) violations.AddAll(survivor_id.status());
  if (request.merged_profiles_size() == 0) {
    violations.Add("merged_profiles", "name at least one profile to merge into the survivor");
  } else if (request.merged_profiles_size() > kMaxMergedProfiles) {
    violations.Add("merged_profiles",
                   absl::StrCat("at most ", kMaxMergedProfiles, " profiles per merge"));
  }
  std::vector<std::string> merged_ids;
  std::set<std::string> involved;
  if (survivor_id.ok()) involved.insert(*survivor_id);
  for (int i = 0; i < request.merged_profiles_size() && i < kMaxMergedProfiles; ++i) {
    std::string field = absl::StrCat("merged_profiles[", i, "].name");
    absl::StatusOr<std::string> id = ParseProfileName(request.merged_profiles(i).name(), field);
    if (!id.ok()) {
      violations.AddAll(id.status());
    } else if (survivor_id.ok() && *id == *survivor_id) {
      violations.Add(field, "a profile cannot be merged into itself");
    } else if (!involved.insert(*id).second) {
      violations.Add(field, "names a profile already in this merge");
    } else {
      merged_ids.push_back(*id);
    }
  }
  std::vector<FieldChoice> choices;
  for (int i = 0; i < request.field_choices_size(); ++i) {
    std::string field = absl::StrCat("field_choices[", i, "].profile");
    absl::StatusOr<std::string> id = ParseProfileName(request.field_choices(i).profile(), field);
    if (!id.ok()) {
      violations.AddAll(id.status());
    } else if (involved.count(*id) == 0) {
      violations.Add(field, "must name the survivor or a profile merged into it");
    }
    choices.push_back({request.field_choices(i).field(), id.ok() ? *id : ""});
  }
  if (!violations.empty()) return violations.ToStatus();

  const std::string request_hash = request.request_id().empty() ? "" : RequestHash(request);
  v1::MergeProfilesResponse response;
  absl::Status status = store_->Run(
      TransactionMode::kReadWrite, context.deadline, [&](Transaction& tx) -> absl::Status {
        response.Clear();
        if (!request.request_id().empty()) {
          absl::StatusOr<bool> replayed =
              FindReplay(tx, kMergeScope, request.request_id(), request_hash, &response);
          if (!replayed.ok() || *replayed) return replayed.status();
        }
        absl::StatusOr<ProfileRecord> survivor =
            ReadMergeable(tx, *survivor_id, request.survivor_etag());
        if (!survivor.ok()) return survivor.status();
        std::vector<ProfileRecord> merged;
        std::vector<v1::Profile> merged_profiles;
        for (int i = 0; i < static_cast<int>(merged_ids.size()); ++i) {
          absl::StatusOr<ProfileRecord> record =
              ReadMergeable(tx, merged_ids[i], request.merged_profiles(i).etag());
          if (!record.ok()) return record.status();
          merged_profiles.push_back(WithName(*record));
          merged.push_back(*std::move(record));
        }
        absl::StatusOr<MergePlan> plan = PlanMerge(WithName(*survivor), merged_profiles, choices);
        if (!plan.ok()) return plan.status();
        FieldViolations limits;
        validator_->Normalize("survivor", &plan->survivor, &limits);
        if (!limits.empty()) {
          const auto& [field, why] = limits.violations().front();
          return MakeError(
              absl::StatusCode::kFailedPrecondition, kMergeExceedsLimits,
              absl::StrCat("the merged survivor would break a profile limit: ", field, " ", why),
              {{"field", field}});
        }
        // Strictly after the survivor's last write, so that merges of one
        // survivor are ordered by create_time whatever the servers' clocks.
        absl::Time now = TruncateToMicros(clock_->Now());
        now = std::max(now, FromProtoTime(survivor->profile.update_time()) + absl::Microseconds(1));
        const std::string merge_id = ids_->NewId();
        const std::string merge_name = MergeName(*survivor_id, merge_id);

        v1::Merge merge;
        merge.set_name(merge_name);
        merge.set_survivor(ProfileName(*survivor_id));
        merge.set_state(v1::MERGE_STATE_APPLIED);
        *merge.mutable_create_time() = ToProtoTime(now);
        merge.set_app_id(context.app_id);
        merge.set_actor(context.actor);
        merge.set_request_id(request.request_id());
        *merge.mutable_field_choices() = request.field_choices();
        *merge.add_before_images() = ToProfileResource(*survivor, /*with_provenance=*/true);
        for (const ProfileRecord& record : merged) {
          merge.add_merged_profiles(ProfileName(record.id));
          *merge.add_before_images() = ToProfileResource(record, /*with_provenance=*/true);
        }
        for (const MovedValue& value : plan->moved) *merge.add_moved_values() = ToProto(value);

        // The merged profiles first: their identifiers leave the index
        // before the survivor takes them.
        for (size_t i = 0; i < merged.size(); ++i) {
          ProfileRecord& record = merged[i];
          record.profile.set_state(v1::PROFILE_STATE_MERGED);
          record.profile.set_merged_into(ProfileName(*survivor_id));
          *record.profile.mutable_update_time() = ToProtoTime(now);
          const int64_t expected = record.revision;
          record.revision = expected + 1;
          if (absl::Status s = tx.UpdateProfile(record, expected); !s.ok()) return s;
          const v1::Profile after = ToProfileResource(record, /*with_provenance=*/true);
          if (absl::Status s = RecordProfileChange(tx, context, now, v1::CHANGE_KIND_MERGED,
                                                   record.id, merge.before_images(i + 1), after);
              !s.ok()) {
            return s;
          }
        }
        ProfileRecord updated = *survivor;
        updated.profile = StoredForm(plan->survivor);
        AddProvenance(plan->moved, merge_name, &updated.profile);
        *updated.profile.mutable_update_time() = ToProtoTime(now);
        updated.revision = survivor->revision + 1;
        if (absl::Status s = CheckExternalIds(tx, updated.profile, updated.id); !s.ok()) return s;
        if (absl::Status s = tx.UpdateProfile(updated, survivor->revision); !s.ok()) return s;
        if (timeline_ != nullptr) {
          for (const ProfileRecord& record : merged) {
            std::vector<std::string> moved;
            if (absl::Status s = timeline_->MoveTimeline(tx, record.id, *survivor_id, &moved);
                !s.ok()) {
              return s;
            }
            for (const std::string& id : moved) {
              merge.add_moved_interactions(InteractionName(record.id, id));
            }
          }
        }
        if (absl::Status s = tx.merges().InsertMerge({*survivor_id, merge_id, true, now, merge});
            !s.ok()) {
          return s;
        }
        *response.mutable_survivor() = ToProfileResource(updated, /*with_provenance=*/true);
        if (absl::Status s =
                RecordProfileChange(tx, context, now, v1::CHANGE_KIND_UPDATED, *survivor_id,
                                    merge.before_images(0), response.survivor());
            !s.ok()) {
          return s;
        }
        if (absl::Status s = RecordMergeChange(tx, context, now, v1::CHANGE_KIND_MERGED,
                                               *survivor_id, nullptr, merge);
            !s.ok()) {
          return s;
        }
        *response.mutable_merge() = std::move(merge);
        if (!request.request_id().empty()) {
          return RememberResponse(tx, kMergeScope, request.request_id(), request_hash, response,
                                  now);
        }
        return absl::OkStatus();
      });
  if (status.code() == absl::StatusCode::kAlreadyExists && !request.request_id().empty()) {
    // A concurrent call with the same request_id committed first.
    v1::MergeProfilesResponse first;
    absl::Status replay =
        store_->Run(TransactionMode::kReadOnly, context.deadline, [&](Transaction& tx) {
          absl::StatusOr<bool> replayed =
              FindReplay(tx, kMergeScope, request.request_id(), request_hash, &first);
          if (!replayed.ok()) return replayed.status();
          return *replayed ? absl::OkStatus() : status;
        });
    if (replay.ok()) return first;
  }
  if (!status.ok()) return status;
  return response;
}

absl::StatusOr<v1::UnmergeProfileResponse> MergeManager::UnmergeProfile(
    const v1::UnmergeProfileRequest& request, const CallContext& context) {
  FieldViolations violations;
  AddInvalidUtf8(request, &violations);
  CheckRequestId(request.request_id(), &violations);
  auto name = ParseMergeName(request.name(), "name");
  if (!name.ok()) violations.AddAll(name.status());
  if (!violations.empty()) return violations.ToStatus();
  const auto& [survivor_id, merge_id] = *name;

  const std::string request_hash = request.request_id().empty() ? "" : RequestHash(request);
  v1::UnmergeProfileResponse response;
  absl::Status status = store_->Run(
      TransactionMode::kReadWrite, context.deadline, [&](Transaction& tx) -> absl::Status {
        response.Clear();
        if (!request.request_id().empty()) {
          absl::StatusOr<bool> replayed =
              FindReplay(tx, kUnmergeScope, request.request_id(), request_hash, &response);
          if (!replayed.ok() || *replayed) return replayed.status();
        }
        auto stored = tx.merges().GetMerge(survivor_id, merge_id);
        if (!stored.ok()) return stored.status();
        if (!stored->has_value()) return MergeNotFound(request.name());
        MergeRecord merge = **std::move(stored);
        const v1::Merge stored_merge = merge.merge;
        if (!merge.applied) {
          return MakeError(absl::StatusCode::kFailedPrecondition, kMergeAlreadyUndone,
                           "the merge is already undone", {{"name", request.name()}});
        }
        auto survivor = tx.GetProfile(survivor_id);
        if (!survivor.ok()) return survivor.status();
        if (!survivor->has_value()) return ProfileNotFound(survivor_id);
        if (absl::Status s = CheckProfileEtag(**survivor, request.etag()); !s.ok()) return s;
        // A later merge depends on this one when the survivor was merged
        // into another profile since, or took in more profiles since.
        std::optional<std::string> later;
        if ((*survivor)->profile.state() == v1::PROFILE_STATE_MERGED) {
          absl::string_view into = (*survivor)->profile.merged_into();
          absl::ConsumePrefix(&into, "profiles/");
          auto applied = tx.merges().ListAppliedMerges(into);
          if (!applied.ok()) return applied.status();
          for (const MergeRecord& other : *applied) {
            const auto& names = other.merge.merged_profiles();
            if (std::find(names.begin(), names.end(), ProfileName(survivor_id)) != names.end()) {
              later = other.merge.name();
            }
          }
          if (!later.has_value()) later = std::string((*survivor)->profile.merged_into());
        } else {
          auto applied = tx.merges().ListAppliedMerges(survivor_id);
          if (!applied.ok()) return applied.status();
          if (!applied->empty() && MergeOrder(applied->front()) > MergeOrder(merge)) {
            later = applied->front().merge.name();
          }
        }
        if (later.has_value()) {
          return MakeError(absl::StatusCode::kFailedPrecondition, kMergeHasLaterMerge,
                           "a later merge of the survivor is in effect: undo it first",
                           {{"name", request.name()}, {"later_merge", *later}});
        }

        absl::Time now = TruncateToMicros(clock_->Now());
        const v1::Profile before = StoredForm(merge.merge.before_images(0));
        std::vector<MovedValue> moved;
        for (const v1::MovedValue& value : merge.merge.moved_values()) {
          moved.push_back(FromProto(value));
        }
        UnmergePlan plan = PlanUnmerge(WithName(**survivor), before, moved);
        ProfileRecord updated = **survivor;
        updated.profile = std::move(plan.survivor);
        RemoveProvenance(merge.merge.name(), plan.kept, before, &updated.profile);
        *updated.profile.mutable_update_time() = ToProtoTime(now);
        updated.revision = (*survivor)->revision + 1;
        if (absl::Status s = tx.UpdateProfile(updated, (*survivor)->revision); !s.ok()) return s;

        for (int i = 0; i < merge.merge.merged_profiles_size(); ++i) {
          absl::string_view merged_name = merge.merge.merged_profiles(i);
          std::string id(absl::StripPrefix(merged_name, "profiles/"));
          auto current = tx.GetProfile(id);
          if (!current.ok()) return current.status();
          if (!current->has_value() || (*current)->profile.state() != v1::PROFILE_STATE_MERGED ||
              (*current)->profile.merged_into() != ProfileName(survivor_id)) {
            return absl::InternalError(absl::StrCat("merged profile ", merged_name,
                                                    " is no longer merged into ",
                                                    ProfileName(survivor_id)));
          }
          ProfileRecord restored = **current;
          restored.profile = StoredForm(merge.merge.before_images(i + 1));
          *restored.profile.mutable_update_time() = ToProtoTime(now);
          restored.revision = (*current)->revision + 1;
          if (absl::Status s = CheckExternalIds(tx, restored.profile, id); !s.ok()) return s;
          if (absl::Status s = tx.UpdateProfile(restored, (*current)->revision); !s.ok()) {
            return s;
          }
          *response.add_restored_profiles() = ToProfileResource(restored);
          if (absl::Status s =
                  RecordProfileChange(tx, context, now, v1::CHANGE_KIND_UNMERGED, id,
                                      ToProfileResource(**current, /*with_provenance=*/true),
                                      ToProfileResource(restored, /*with_provenance=*/true));
              !s.ok()) {
            return s;
          }
        }

        if (timeline_ != nullptr) {
          // Each moved interaction goes back to the profile it came from.
          std::map<std::string, std::vector<std::string>> back;
          for (const std::string& name : merge.merge.moved_interactions()) {
            auto moved = ParseInteractionName(name, "moved_interactions");
            if (moved.ok()) back[moved->first].push_back(moved->second);
          }
          for (const auto& [to, ids] : back) {
            if (absl::Status s = timeline_->MoveBack(tx, ids, survivor_id, to); !s.ok()) return s;
          }
        }
        merge.applied = false;
        merge.merge.set_state(v1::MERGE_STATE_UNDONE);
        *merge.merge.mutable_undo_time() = ToProtoTime(now);
        merge.merge.set_undo_app_id(context.app_id);
        merge.merge.set_undo_actor(context.actor);
        merge.merge.set_undo_request_id(request.request_id());
        for (const MovedValue& value : plan.kept) *merge.merge.add_kept_values() = ToProto(value);
        if (absl::Status s = tx.merges().UpdateMerge(merge); !s.ok()) return s;

        *response.mutable_survivor() = ToProfileResource(updated, /*with_provenance=*/true);
        if (absl::Status s = RecordProfileChange(
                tx, context, now, v1::CHANGE_KIND_UPDATED, survivor_id,
                ToProfileResource(**survivor, /*with_provenance=*/true), response.survivor());
            !s.ok()) {
          return s;
        }
        if (absl::Status s = RecordMergeChange(tx, context, now, v1::CHANGE_KIND_UNMERGED,
                                               survivor_id, &stored_merge, merge.merge);
            !s.ok()) {
          return s;
        }
        *response.mutable_kept_values() = merge.merge.kept_values();
        *response.mutable_merge() = merge.merge;
        if (!request.request_id().empty()) {
          return RememberResponse(tx, kUnmergeScope, request.request_id(), request_hash, response,
                                  now);
        }
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return response;
}

absl::StatusOr<v1::Merge> MergeManager::GetMerge(const v1::GetMergeRequest& request,
                                                 const CallContext& context) {
  FieldViolations violations;
  AddInvalidUtf8(request, &violations);
  auto name = ParseMergeName(request.name(), "name");
  if (!name.ok()) violations.AddAll(name.status());
  if (!violations.empty()) return violations.ToStatus();
  v1::Merge merge;
  absl::Status status =
      store_->Run(TransactionMode::kReadOnly, context.deadline, [&](Transaction& tx) {
        auto record = tx.merges().GetMerge(name->first, name->second);
        if (!record.ok()) return record.status();
        if (!record->has_value()) return MergeNotFound(request.name());
        merge = (*record)->merge;
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return merge;
}

absl::StatusOr<v1::ListMergesResponse> MergeManager::ListMerges(
    const v1::ListMergesRequest& request, const CallContext& context) {
  FieldViolations violations;
  AddInvalidUtf8(request, &violations);
  absl::StatusOr<std::string> survivor_id = ParseProfileName(request.parent(), "parent");
  if (!survivor_id.ok()) violations.AddAll(survivor_id.status());
  int page_size = ResolvePageSize(request.page_size(), paging_, context, &violations);
  const ListQuery list{.kind = "merges", .parent = request.parent()};
  std::optional<storage::MergeCursor> after;
  if (!request.page_token().empty()) {
    absl::StatusOr<PageCursor> cursor = DecodePageToken(
        request.page_token(), list, {CursorFieldType::kInt, CursorFieldType::kString});
    if (!cursor.ok()) {
      violations.AddAll(cursor.status());
    } else {
      after = storage::MergeCursor{absl::FromUnixMicros(std::get<int64_t>((*cursor)[0])),
                                   std::get<std::string>((*cursor)[1])};
    }
  }
  if (!violations.empty()) return violations.ToStatus();
  v1::ListMergesResponse response;
  absl::Status status =
      store_->Run(TransactionMode::kReadOnly, context.deadline, [&](Transaction& tx) {
        response.Clear();
        auto records = tx.merges().ListMerges(*survivor_id, after, page_size + 1);
        if (!records.ok()) return records.status();
        const int n = std::min<int>(records->size(), page_size);
        for (int i = 0; i < n; ++i) *response.add_merges() = (*records)[i].merge;
        if (static_cast<int>(records->size()) > page_size) {
          const MergeRecord& last = (*records)[n - 1];
          response.set_next_page_token(
              EncodePageToken(list, {absl::ToUnixMicros(last.create_time), last.merge_id}));
        }
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return response;
}

}  // namespace cp::domain

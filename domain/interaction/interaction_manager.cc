#include "domain/interaction/interaction_manager.h"

#include <algorithm>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "domain/change/change_recorder.h"
#include "domain/common/error_reasons.h"
#include "domain/common/errors.h"
#include "domain/common/idempotency.h"
#include "domain/common/page_token.h"
#include "domain/common/proto_time.h"
#include "domain/common/resource_names.h"
#include "domain/identity/merge_survivor.h"
#include "domain/interaction/interaction_filter.h"
#include "domain/interaction/interaction_validator.h"
#include "google/protobuf/util/message_differencer.h"

namespace cp::domain {
namespace {

namespace v1 = ::customerprofile::v1;
using storage::InteractionRecord;
using storage::Transaction;
using storage::TransactionMode;

constexpr absl::string_view kInteractionNotFound = "INTERACTION_NOT_FOUND";
constexpr absl::string_view kInteractionAlreadyExists = "INTERACTION_ALREADY_EXISTS";

// ToResource is the API view of a stored interaction.
v1::Interaction ToResource(const InteractionRecord& record) {
  v1::Interaction interaction = record.interaction;
  interaction.set_name(InteractionName(record.profile_id, record.interaction_id));
  interaction.set_origin_profile(ProfileName(record.origin_profile_id));
  *interaction.mutable_create_time() = ToProtoTime(record.create_time);
  return interaction;
}

// SameContent tells whether a replayed interaction says what the stored one
// says (output-only fields aside).
bool SameContent(const v1::Interaction& stored, const v1::Interaction& sent) {
  v1::Interaction a = stored;
  a.clear_name();
  a.clear_create_time();
  a.clear_origin_profile();
  return google::protobuf::util::MessageDifferencer::Equals(a, sent);
}

// HolderOf returns the profile an interaction recorded on `profile_id` lands
// on: the profile itself, or the survivor it was merged into. NOT_FOUND for
// a missing profile, FAILED_PRECONDITION PROFILE_DELETED for a deleted one.
absl::StatusOr<std::string> HolderOf(Transaction& tx, const std::string& profile_id) {
  auto holder = ReadSurvivor(tx, profile_id);
  if (!holder.ok()) return holder.status();
  if (!holder->has_value()) {
    return MakeError(absl::StatusCode::kNotFound, kProfileNotFound, "profile not found",
                     {{"name", ProfileName(profile_id)}});
  }
  if ((*holder)->profile.has_delete_time()) {
    return MakeError(absl::StatusCode::kFailedPrecondition, kProfileDeleted,
                     "the profile is deleted: undelete it first",
                     {{"name", ProfileName((*holder)->id)}});
  }
  return (*holder)->id;
}

// TimeOrderedId is the id of an interaction recorded at `now`: "i", the
// microseconds since the Unix epoch in 11 base-32 digits (so that ids
// sort by recording time, and a store's id index grows at its end instead
// of at random places: the pages a batch dirties stay few), then the
// random id's characters after its first letter.
std::string TimeOrderedId(absl::Time now, absl::string_view random_id) {
  constexpr char kDigits[] = "0123456789abcdefghijklmnopqrstuv";
  uint64_t micros = static_cast<uint64_t>(std::max<int64_t>(0, absl::ToUnixMicros(now)));
  std::string id(12, '0');
  id[0] = 'i';
  for (int i = 11; i >= 1; --i, micros >>= 5) id[i] = kDigits[micros & 31];
  if (!random_id.empty()) random_id.remove_prefix(1);
  absl::StrAppend(&id, random_id.substr(0, 12));
  return id;
}

}  // namespace

InteractionManager::InteractionManager(storage::Store* store, const Clock* clock, IdGenerator* ids,
                                       InteractionManagerOptions options)
    : store_(store), clock_(clock), ids_(ids), options_(std::move(options)) {}

absl::Status InteractionManager::RecomputeInsights(Transaction& tx, const std::string& profile_id) {
  storage::InteractionListQuery query;
  query.profile_id = profile_id;
  query.limit = std::numeric_limits<int>::max();
  auto records = tx.interactions().ListInteractions(query);
  if (!records.ok()) return records.status();
  std::vector<v1::Interaction> timeline;
  timeline.reserve(records->size());
  for (InteractionRecord& record : *records) timeline.push_back(std::move(record.interaction));
  const InsightsState state = StateOf(timeline);
  return tx.interactions().PutInsights(profile_id,
                                       InsightsOf(profile_id, state, options_.value_tiers), state);
}

absl::Status InteractionManager::AddToInsights(Transaction& tx, const std::string& profile_id,
                                               InsightsState* stored,
                                               const std::vector<v1::Interaction>& added) {
  // Without stored totals (a first interaction, or insights stored before
  // the store kept totals) the timeline, `added` included, is read whole.
  if (stored == nullptr) return RecomputeInsights(tx, profile_id);
  InsightsState& state = *stored;
  std::map<int, int64_t> exited;
  if (std::optional<WindowExit> exit = WindowExitOf(state, added); exit.has_value()) {
    // `added` are stored already: what the store counts in the range less
    // theirs is what leaves the window.
    auto counted = tx.interactions().CountInboundByChannel(
        profile_id, absl::FromUnixMicros(exit->from_micros), absl::FromUnixMicros(exit->to_micros));
    if (!counted.ok()) return counted.status();
    exited = *std::move(counted);
    for (const v1::Interaction& interaction : added) {
      const int64_t when = absl::ToUnixMicros(FromProtoTime(interaction.occur_time()));
      if (interaction.direction() == v1::INTERACTION_DIRECTION_INBOUND &&
          when >= exit->from_micros && when < exit->to_micros) {
        --exited[interaction.channel()];
      }
    }
  }
  ApplyRecorded(added, exited, &state);
  return tx.interactions().PutInsights(profile_id,
                                       InsightsOf(profile_id, state, options_.value_tiers), state);
}

absl::Status InteractionManager::RefreshInsights(absl::Time deadline) {
  constexpr int kPage = 200;
  // First the insights stored without totals: recomputed from the timeline.
  // Then, only when the tiers differ from those the store was last tiered
  // with, every profile's tier from its totals.
  const std::string tiers = ValueTiersText(options_.value_tiers);
  bool retier = false;
  for (bool without_totals : {true, false}) {
    std::string after;
    while (true) {
      bool more = false;
      absl::Status status =
          store_->Run(TransactionMode::kReadWrite, deadline, [&](Transaction& tx) -> absl::Status {
            if (!without_totals && after.empty()) {
              auto stored = tx.interactions().GetTiersSpec();
              if (!stored.ok()) return stored.status();
              retier = !stored->has_value() || **stored != tiers;
              if (!retier) return absl::OkStatus();
            }
            auto rows = tx.interactions().ListStoredInsights(after, kPage, without_totals);
            if (!rows.ok()) return rows.status();
            more = static_cast<int>(rows->size()) == kPage;
            for (const storage::StoredInsights& row : *rows) {
              after = row.profile_id;
              if (!row.state.has_value()) {
                if (absl::Status s = RecomputeInsights(tx, row.profile_id); !s.ok()) return s;
                continue;
              }
              v1::ProfileInsights fresh =
                  InsightsOf(row.profile_id, *row.state, options_.value_tiers);
              if (fresh.value_tier() == row.insights.value_tier()) continue;
              if (absl::Status s = tx.interactions().PutInsights(row.profile_id, fresh, *row.state);
                  !s.ok()) {
                return s;
              }
            }
            if (!without_totals && !more) return tx.interactions().PutTiersSpec(tiers);
            return absl::OkStatus();
          });
      if (!status.ok()) return status;
      if (!more) break;
    }
  }
  return absl::OkStatus();
}

absl::Status InteractionManager::MoveTimeline(Transaction& tx, const std::string& from,
                                              const std::string& to,
                                              std::vector<std::string>* moved) {
  auto ids = tx.interactions().MoveInteractions(from, to);
  if (!ids.ok()) return ids.status();
  if (ids->empty()) return absl::OkStatus();
  moved->insert(moved->end(), ids->begin(), ids->end());
  if (absl::Status s = RecomputeInsights(tx, from); !s.ok()) return s;
  return RecomputeInsights(tx, to);
}

absl::Status InteractionManager::MoveBack(Transaction& tx, const std::vector<std::string>& ids,
                                          const std::string& from, const std::string& to) {
  bool any = false;
  for (const std::string& id : ids) {
    auto moved = tx.interactions().MoveInteractionBack(id, from, to);
    if (!moved.ok()) return moved.status();
    any = any || *moved;
  }
  if (!any) return absl::OkStatus();
  if (absl::Status s = RecomputeInsights(tx, from); !s.ok()) return s;
  return RecomputeInsights(tx, to);
}

absl::StatusOr<v1::ProfileInsights> InteractionManager::GetProfileInsights(
    const v1::GetProfileInsightsRequest& request, const CallContext& context) {
  FieldViolations violations;
  AddInvalidUtf8(request, &violations);
  if (!violations.empty()) return violations.ToStatus();
  absl::string_view name = request.name();
  if (!absl::ConsumeSuffix(&name, "/insights")) {
    return InvalidField("name", "must be of the form profiles/{profile}/insights");
  }
  absl::StatusOr<std::string> profile_id = ParseProfileName(name, "name");
  if (!profile_id.ok())
    return InvalidField("name", "must be of the form profiles/{profile}/insights");
  v1::ProfileInsights insights;
  absl::Status status =
      store_->Run(TransactionMode::kReadOnly, context.deadline, [&](Transaction& tx) {
        auto profile = tx.GetProfile(*profile_id);
        if (!profile.ok()) return profile.status();
        if (!profile->has_value()) {
          return MakeError(absl::StatusCode::kNotFound, kProfileNotFound, "profile not found",
                           {{"name", ProfileName(*profile_id)}});
        }
        auto stored = tx.interactions().GetInsights(*profile_id);
        if (!stored.ok()) return stored.status();
        insights = stored->has_value() ? **stored : ComputeInsights(*profile_id, {}, {});
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return insights;
}

absl::StatusOr<v1::Interaction> InteractionManager::RecordInteraction(
    const v1::RecordInteractionRequest& request, const CallContext& context) {
  std::vector<absl::StatusOr<v1::Interaction>> results = RecordAll({&request}, context);
  return std::move(results.front());
}

absl::StatusOr<std::vector<absl::StatusOr<v1::Interaction>>>
InteractionManager::BatchRecordInteractions(const v1::BatchRecordInteractionsRequest& request,
                                            const CallContext& context) {
  if (request.requests_size() > kMaxBatch) {
    return InvalidField("requests", absl::StrCat("at most ", kMaxBatch, " requests per call"));
  }
  std::vector<const v1::RecordInteractionRequest*> items;
  items.reserve(request.requests_size());
  for (const v1::RecordInteractionRequest& item : request.requests()) items.push_back(&item);
  return RecordAll(items, context);
}

std::vector<absl::StatusOr<v1::Interaction>> InteractionManager::RecordAll(
    const std::vector<const v1::RecordInteractionRequest*>& items, const CallContext& context) {
  const absl::Time now = TruncateToMicros(clock_->Now());
  std::vector<absl::StatusOr<v1::Interaction>> results(items.size(),
                                                       absl::UnknownError("not recorded"));
  // What each valid item asks to record, and its parent's id.
  std::vector<std::optional<std::pair<std::string, v1::Interaction>>> valid(items.size());
  for (size_t i = 0; i < items.size(); ++i) {
    const v1::RecordInteractionRequest& request = *items[i];
    FieldViolations violations;
    AddInvalidUtf8(request, &violations);
    absl::StatusOr<std::string> parent = ParseProfileName(request.parent(), "parent");
    if (!parent.ok()) violations.AddAll(parent.status());
    ValidateInteraction("interaction", request.interaction(), now, &violations);
    if (!violations.empty()) {
      results[i] = violations.ToStatus();
      continue;
    }
    v1::Interaction sent = request.interaction();
    if (sent.agent().empty() && IsSafeRequestId(context.actor)) sent.set_agent(context.actor);
    valid[i].emplace(*std::move(parent), std::move(sent));
  }

  // One transaction for the whole batch: an item that fails (a missing
  // profile, a clash of external_ref) is answered and skipped; only a
  // failure of the store itself fails them all.
  auto record_all = [&](Transaction& tx) -> absl::Status {
    // A retried transaction starts over.
    for (size_t i = 0; i < items.size(); ++i) {
      if (valid[i].has_value()) results[i] = absl::UnknownError("not recorded");
    }
    std::map<std::string, absl::StatusOr<std::string>> holders;
    std::vector<const std::string*> holder_of(items.size(), nullptr);
    std::vector<std::pair<std::string, std::string>> refs;
    for (size_t i = 0; i < items.size(); ++i) {
      if (!valid[i].has_value()) continue;
      const auto& [parent, sent] = *valid[i];
      auto holder = holders.find(parent);
      if (holder == holders.end()) holder = holders.emplace(parent, HolderOf(tx, parent)).first;
      if (!holder->second.ok()) {
        if (!GetErrorInfo(holder->second.status())) return holder->second.status();
        results[i] = holder->second.status();
        continue;
      }
      holder_of[i] = &*holder->second;
      if (!sent.external_ref().empty())
        refs.emplace_back(sent.source_system(), sent.external_ref());
    }
    // Every pair recorded before, in one read; then those recorded by this
    // batch as it goes.
    std::map<std::pair<std::string, std::string>, InteractionRecord> recorded;
    if (!refs.empty()) {
      auto found = tx.interactions().FindInteractionsByRefs(refs);
      if (!found.ok()) return found.status();
      for (InteractionRecord& record : *found) {
        std::pair<std::string, std::string> key(record.interaction.source_system(),
                                                record.interaction.external_ref());
        recorded.emplace(std::move(key), std::move(record));
      }
    }
    std::vector<InteractionRecord> fresh_rows;
    std::map<std::string, std::vector<v1::Interaction>> added;
    for (size_t i = 0; i < items.size(); ++i) {
      if (holder_of[i] == nullptr) continue;
      const v1::Interaction& sent = valid[i]->second;
      const std::string& holder_id = *holder_of[i];
      std::pair<std::string, std::string> key(sent.source_system(), sent.external_ref());
      if (!sent.external_ref().empty()) {
        auto first = recorded.find(key);
        if (first != recorded.end()) {
          const InteractionRecord& stored = first->second;
          if (stored.profile_id == holder_id && SameContent(stored.interaction, sent)) {
            results[i] = ToResource(stored);
          } else {
            results[i] = MakeError(
                absl::StatusCode::kAlreadyExists, kInteractionAlreadyExists,
                stored.profile_id == holder_id
                    ? "this (source_system, external_ref) is recorded already with other content"
                    : "this (source_system, external_ref) is recorded on another profile",
                {{"name", InteractionName(stored.profile_id, stored.interaction_id)}});
          }
          continue;
        }
      }
      InteractionRecord fresh;
      fresh.interaction_id = TimeOrderedId(now, ids_->NewId());
      fresh.profile_id = holder_id;
      fresh.origin_profile_id = holder_id;
      fresh.occur_time = FromProtoTime(sent.occur_time());
      fresh.create_time = now;
      fresh.interaction = sent;
      results[i] = ToResource(fresh);
      added[holder_id].push_back(sent);
      if (!sent.external_ref().empty()) recorded.emplace(std::move(key), fresh);
      fresh_rows.push_back(std::move(fresh));
    }
    if (absl::Status s = tx.interactions().InsertInteractions(fresh_rows); !s.ok()) return s;
    for (const InteractionRecord& row : fresh_rows) {
      const v1::Interaction recorded = ToResource(row);
      if (absl::Status s =
              RecordChange(tx, context, now,
                           {v1::CHANGE_RESOURCE_TYPE_INTERACTION, recorded.name(), row.profile_id},
                           v1::CHANGE_KIND_RECORDED, nullptr, &recorded);
          !s.ok()) {
        return s;
      }
    }
    std::vector<std::string> touched;
    for (const auto& entry : added) touched.push_back(entry.first);
    auto states = tx.interactions().GetInsightsStates(touched);
    if (!states.ok()) return states.status();
    for (const auto& [profile_id, interactions] : added) {
      auto state = states->find(profile_id);
      if (absl::Status s = AddToInsights(
              tx, profile_id, state == states->end() ? nullptr : &state->second, interactions);
          !s.ok()) {
        return s;
      }
    }
    return absl::OkStatus();
  };
  absl::Status status = store_->Run(TransactionMode::kReadWrite, context.deadline, record_all);
  if (status.code() == absl::StatusCode::kAlreadyExists && !GetErrorInfo(status)) {
    // A concurrent call recorded one of the pairs first: run again, so
    // that it is answered as a replay.
    status = store_->Run(TransactionMode::kReadWrite, context.deadline, record_all);
  }
  if (!status.ok()) {
    for (size_t i = 0; i < items.size(); ++i) {
      if (valid[i].has_value()) results[i] = status;
    }
  }
  return results;
}

absl::StatusOr<v1::Interaction> InteractionManager::GetInteraction(
    const v1::GetInteractionRequest& request, const CallContext& context) {
  FieldViolations violations;
  AddInvalidUtf8(request, &violations);
  if (!violations.empty()) return violations.ToStatus();
  auto name = ParseInteractionName(request.name(), "name");
  if (!name.ok()) return name.status();
  v1::Interaction result;
  absl::Status status =
      store_->Run(TransactionMode::kReadOnly, context.deadline, [&](Transaction& tx) {
        auto record = tx.interactions().GetInteraction(name->second);
        if (!record.ok()) return record.status();
        // A moved interaction is found under the profile it was recorded on
        // too, so that a name handed out before a merge keeps working.
        if (!record->has_value() ||
            ((*record)->profile_id != name->first && (*record)->origin_profile_id != name->first)) {
          return MakeError(absl::StatusCode::kNotFound, kInteractionNotFound,
                           "interaction not found", {{"name", request.name()}});
        }
        result = ToResource(**record);
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return result;
}

absl::StatusOr<v1::ListInteractionsResponse> InteractionManager::ListInteractions(
    const v1::ListInteractionsRequest& request, const CallContext& context) {
  FieldViolations violations;
  AddInvalidUtf8(request, &violations);
  std::string profile_id;
  if (request.parent() != "profiles/-") {
    absl::StatusOr<std::string> parent = ParseProfileName(request.parent(), "parent");
    if (!parent.ok()) {
      violations.Add("parent", "must be profiles/{profile} or profiles/-");
    } else {
      profile_id = *parent;
    }
  }
  const int page_size = ResolvePageSize(request.page_size(), options_.paging, context, &violations);
  storage::InteractionListQuery query;
  query.profile_id = profile_id;
  std::vector<absl::string_view> order =
      absl::StrSplit(request.order_by(), absl::ByAnyChar(" \t"), absl::SkipEmpty());
  if (order.empty() || (order.size() == 2 && order[0] == "occur_time" &&
                        absl::AsciiStrToLower(order[1]) == "desc")) {
    query.descending = true;
  } else if (order[0] == "occur_time" &&
             (order.size() == 1 ||
              (order.size() == 2 && absl::AsciiStrToLower(order[1]) == "asc"))) {
    query.descending = false;
  } else {
    violations.AddAll(InvalidField(
        "order_by", "use \"occur_time desc\" (default) or \"occur_time\"", kInvalidOrderBy));
  }
  absl::StatusOr<std::optional<storage::FilterNode>> filter =
      ParseInteractionFilter(request.filter());
  if (!filter.ok()) {
    if (!violations.AddAll(filter.status())) return filter.status();
  } else {
    query.filter = *std::move(filter);
  }
  const ListQuery list{.kind = "interactions",
                       .parent = request.parent(),
                       .filter = request.filter(),
                       .order_by = request.order_by()};
  if (!request.page_token().empty()) {
    absl::StatusOr<PageCursor> cursor = DecodePageToken(
        request.page_token(), list, {CursorFieldType::kInt, CursorFieldType::kString});
    if (!cursor.ok()) {
      violations.AddAll(cursor.status());
    } else {
      query.after =
          storage::InteractionCursor{absl::FromUnixMicros(std::get<int64_t>((*cursor)[0])),
                                     std::get<std::string>((*cursor)[1])};
    }
  }
  if (!violations.empty()) return violations.ToStatus();
  query.limit = page_size + 1;
  v1::ListInteractionsResponse response;
  absl::Status status =
      store_->Run(TransactionMode::kReadOnly, context.deadline, [&](Transaction& tx) {
        response.Clear();
        if (!profile_id.empty()) {
          auto profile = tx.GetProfile(profile_id);
          if (!profile.ok()) return profile.status();
          if (!profile->has_value()) {
            return MakeError(absl::StatusCode::kNotFound, kProfileNotFound, "profile not found",
                             {{"name", ProfileName(profile_id)}});
          }
        }
        auto records = tx.interactions().ListInteractions(query);
        if (!records.ok()) return records.status();
        const int n = std::min<int>(records->size(), page_size);
        for (int i = 0; i < n; ++i) *response.add_interactions() = ToResource((*records)[i]);
        if (static_cast<int>(records->size()) > page_size) {
          const InteractionRecord& last = (*records)[n - 1];
          response.set_next_page_token(
              EncodePageToken(list, {absl::ToUnixMicros(last.occur_time), last.interaction_id}));
        }
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return response;
}

absl::Status InteractionManager::DeleteInteraction(const v1::DeleteInteractionRequest& request,
                                                   const CallContext& context) {
  FieldViolations violations;
  AddInvalidUtf8(request, &violations);
  if (!violations.empty()) return violations.ToStatus();
  auto name = ParseInteractionName(request.name(), "name");
  if (!name.ok()) return name.status();
  return store_->Run(TransactionMode::kReadWrite, context.deadline, [&](Transaction& tx) {
    auto record = tx.interactions().GetInteraction(name->second);
    if (!record.ok()) return record.status();
    if (!record->has_value() || (*record)->profile_id != name->first) {
      return MakeError(absl::StatusCode::kNotFound, kInteractionNotFound, "interaction not found",
                       {{"name", request.name()}});
    }
    if (absl::Status s = tx.interactions().DeleteInteraction(name->second); !s.ok()) return s;
    if (absl::Status s = RecomputeInsights(tx, name->first); !s.ok()) return s;
    const v1::Interaction before = ToResource(**record);
    return RecordChange(tx, context, TruncateToMicros(clock_->Now()),
                        {v1::CHANGE_RESOURCE_TYPE_INTERACTION, request.name(), name->first},
                        v1::CHANGE_KIND_DELETED, &before, nullptr);
  });
}

}  // namespace cp::domain

#include "domain/consent/consent_checker.h"

#include <algorithm>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "domain/common/errors.h"
#include "domain/common/idempotency.h"
#include "domain/common/resource_names.h"
#include "domain/consent/consent_evaluator.h"
#include "domain/consent/consent_names.h"
#include "domain/consent/merge_group.h"
#include "domain/consent/purpose_channels.h"
#include "domain/identity/contact_points.h"

namespace cp::domain {
namespace {

namespace v1 = ::customerprofile::v1;
using storage::ConsentStateRecord;
using storage::Transaction;
using storage::TransactionMode;

void ToCheck(const CheckOutcome& outcome, absl::string_view profile_id, v1::ConsentCheck* check) {
  check->set_profile(ProfileName(profile_id));
  check->set_allowed(outcome.allowed);
  check->set_reason(outcome.reason);
  if (!outcome.event_id.empty()) {
    absl::string_view holder =
        outcome.event_profile_id.empty() ? profile_id : absl::string_view(outcome.event_profile_id);
    check->set_deciding_event(ConsentEventName(holder, outcome.event_id));
  }
  if (outcome.suppression.has_value()) {
    check->set_suppression_list(outcome.suppression->list);
    check->set_suppression_entry(outcome.suppression->entry);
  }
}

// ApplyingStates picks the states a check considers: with a contact point,
// the whole channel's and that point's; without, all of the channel.
std::vector<const ConsentStateRecord*> ApplyingStates(const std::vector<ConsentStateRecord>& states,
                                                      absl::string_view contact_point) {
  std::vector<const ConsentStateRecord*> applying;
  for (const ConsentStateRecord& state : states) {
    if (contact_point.empty() || state.contact_point.empty() ||
        state.contact_point == contact_point) {
      applying.push_back(&state);
    }
  }
  return applying;
}

// AnswerForSurvivors makes the survivor answer for each of `ids` merged
// into another profile (answering[i] names the profile answering for
// ids[i]), loading the subjects it needs, and gives every answering survivor
// the states of the profiles merged into it, the latest per key winning.
absl::Status AnswerForSurvivors(Transaction& tx, absl::string_view purpose_id, v1::Channel channel,
                                const std::vector<std::string>& ids,
                                absl::flat_hash_map<std::string, storage::CheckSubject>* subjects,
                                std::vector<std::string>* answering) {
  answering->assign(ids.begin(), ids.end());
  for (size_t i = 0; i < ids.size(); ++i) {
    auto it = subjects->find(ids[i]);
    if (it == subjects->end() || it->second.merged_into.empty()) continue;
    auto survivor = ReadSurvivor(tx, it->second.merged_into);
    if (!survivor.ok()) return survivor.status();
    if (survivor->has_value()) (*answering)[i] = (*survivor)->id;
  }
  std::vector<std::string> survivors(answering->begin(), answering->end());
  std::sort(survivors.begin(), survivors.end());
  survivors.erase(std::unique(survivors.begin(), survivors.end()), survivors.end());
  auto members = MergedMembers(tx, survivors);
  if (!members.ok()) return members.status();
  std::vector<std::string> missing;
  for (const std::string& id : survivors) {
    if (!subjects->contains(id)) missing.push_back(id);
  }
  for (const auto& member : *members) {
    if (!subjects->contains(member.first)) missing.push_back(member.first);
  }
  if (!missing.empty()) {
    auto extra = tx.consents().LoadCheckSubjects(purpose_id, channel, missing);
    if (!extra.ok()) return extra.status();
    for (auto& [id, subject] : *extra) subjects->emplace(id, std::move(subject));
  }
  if (members->empty()) return absl::OkStatus();
  std::set<std::string> roots;
  for (const auto& [member, root] : *members) {
    auto from = subjects->find(member);
    auto to = subjects->find(root);
    if (from == subjects->end() || to == subjects->end()) continue;
    for (const ConsentStateRecord& state : from->second.states) to->second.states.push_back(state);
    roots.insert(root);
  }
  for (const std::string& root : roots) {
    auto& states = (*subjects)[root].states;
    states = LatestStates(std::move(states));
  }
  return absl::OkStatus();
}

}  // namespace

ConsentChecker::ConsentChecker(storage::Store* store, const Clock* clock,
                               DoNotContactRegisters* suppressions, ConsentCheckerOptions options)
    : store_(store), clock_(clock), suppressions_(suppressions), options_(options) {}

absl::StatusOr<v1::CheckConsentResponse> ConsentChecker::CheckConsent(
    const v1::CheckConsentRequest& request, const CallContext& context) {
  FieldViolations violations;
  AddInvalidUtf8(request, &violations);
  absl::StatusOr<std::string> profile_id = ParseProfileName(request.profile(), "profile");
  if (!profile_id.ok()) violations.Add("profile", "must be of the form profiles/{profile}");
  absl::StatusOr<std::string> purpose_id = ParsePurposeName(request.purpose(), "purpose");
  if (!purpose_id.ok()) violations.Add("purpose", "must be of the form purposes/{purpose}");
  if (request.channel() == v1::CHANNEL_UNSPECIFIED || !v1::Channel_IsValid(request.channel())) {
    violations.Add("channel", "required: one of the Channel values");
  }
  if (!violations.empty()) return violations.ToStatus();

  v1::Purpose purpose;
  CheckFacts facts;
  std::vector<ConsentStateRecord> states;
  std::vector<std::string> identifiers;
  std::string answering_id;
  absl::Status status =
      store_->Run(TransactionMode::kReadOnly, context.deadline, [&](Transaction& tx) {
        answering_id = *profile_id;
        identifiers.clear();
        auto stored_purpose = tx.consents().GetPurpose(*purpose_id);
        if (!stored_purpose.ok()) return stored_purpose.status();
        if (!stored_purpose->has_value()) {
          return MakeError(absl::StatusCode::kNotFound, "PURPOSE_NOT_FOUND", "purpose not found",
                           {{"name", PurposeName(*purpose_id)}});
        }
        purpose = (*stored_purpose)->purpose;
        // A merged profile is answered for by its survivor.
        auto profile = ReadSurvivor(tx, *profile_id);
        if (!profile.ok()) return profile.status();
        if (!profile->has_value()) {
          return MakeError(absl::StatusCode::kNotFound, "PROFILE_NOT_FOUND", "profile not found",
                           {{"name", ProfileName(*profile_id)}});
        }
        answering_id = (*profile)->id;
        const v1::Profile& stored_profile = (*profile)->profile;
        facts.profile_deleted = stored_profile.has_delete_time();
        if (facts.profile_deleted || !CoversChannel(purpose, request.channel())) {
          return absl::OkStatus();
        }
        std::string contact_point;
        if (!request.contact_point().empty()) {
          auto own =
              ResolveOwnContactPoint(stored_profile, request.channel(), request.contact_point(),
                                     "contact_point", options_.default_phone_region);
          if (!own.ok()) return own.status();
          contact_point = *std::move(own);
          identifiers.push_back(contact_point);
        } else {
          absl::string_view kind = ContactPointKind(request.channel());
          if (kind == "email") {
            for (const v1::Email& email : stored_profile.emails()) {
              identifiers.push_back(email.address());
            }
          } else if (kind == "phone") {
            for (const v1::Phone& phone : stored_profile.phones()) {
              identifiers.push_back(phone.number());
            }
          }
        }
        // The states of the profiles merged into it count as its own.
        auto members = MergedMembers(tx, {answering_id});
        if (!members.ok()) return members.status();
        std::vector<std::string> holders = {answering_id};
        for (const auto& member : *members) holders.push_back(member.first);
        states.clear();
        for (const std::string& holder : holders) {
          auto stored_states =
              tx.consents().GetConsentStates(holder, *purpose_id, request.channel());
          if (!stored_states.ok()) return stored_states.status();
          for (ConsentStateRecord& state : *stored_states) states.push_back(std::move(state));
        }
        if (holders.size() > 1) states = LatestStates(std::move(states));
        facts.states = ApplyingStates(states, contact_point);
        if (suppressions_ != nullptr && !identifiers.empty()) {
          auto hits = suppressions_->FindSuppressions(tx, request.channel(), {identifiers});
          if (!hits.ok()) return hits.status();
          if (!hits->empty()) facts.suppression = (*hits)[0];
        }
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  CheckOutcome outcome = Decide(purpose, request.channel(), facts, clock_->Now());
  v1::CheckConsentResponse response;
  ToCheck(outcome, answering_id, response.mutable_check());
  return response;
}

absl::StatusOr<v1::BatchCheckConsentResponse> ConsentChecker::BatchCheckConsent(
    const v1::BatchCheckConsentRequest& request, const CallContext& context) {
  FieldViolations violations;
  AddInvalidUtf8(request, &violations);
  absl::StatusOr<std::string> purpose_id = ParsePurposeName(request.purpose(), "purpose");
  if (!purpose_id.ok()) violations.Add("purpose", "must be of the form purposes/{purpose}");
  if (request.channel() == v1::CHANNEL_UNSPECIFIED || !v1::Channel_IsValid(request.channel())) {
    violations.Add("channel", "required: one of the Channel values");
  }
  if (request.profiles_size() > options_.max_batch_size) {
    violations.Add("profiles", absl::StrCat("at most ", options_.max_batch_size, " profiles"));
  }
  std::vector<std::string> ids;
  ids.reserve(request.profiles_size());
  constexpr absl::string_view kPrefix = "profiles/";
  for (int i = 0; i < request.profiles_size() && violations.violations().size() < 100; ++i) {
    absl::string_view name = request.profiles(i);
    if (name.substr(0, kPrefix.size()) != kPrefix ||
        !IsValidResourceId(name.substr(kPrefix.size()))) {
      violations.Add(absl::StrCat("profiles[", i, "]"), "must be of the form profiles/{profile}");
      continue;
    }
    ids.emplace_back(name.substr(kPrefix.size()));
  }
  if (!violations.empty()) return violations.ToStatus();

  v1::Purpose purpose;
  absl::flat_hash_map<std::string, storage::CheckSubject> subjects;
  std::vector<std::optional<SuppressionHit>> hits(ids.size());
  // The profile answering for each of `ids`: itself, or its survivor.
  std::vector<std::string> answering;
  absl::Status status =
      store_->Run(TransactionMode::kReadOnly, context.deadline, [&](Transaction& tx) {
        auto stored_purpose = tx.consents().GetPurpose(*purpose_id);
        if (!stored_purpose.ok()) return stored_purpose.status();
        if (!stored_purpose->has_value()) {
          return MakeError(absl::StatusCode::kNotFound, "PURPOSE_NOT_FOUND", "purpose not found",
                           {{"name", PurposeName(*purpose_id)}});
        }
        purpose = (*stored_purpose)->purpose;
        auto loaded = tx.consents().LoadCheckSubjects(*purpose_id, request.channel(), ids);
        if (!loaded.ok()) return loaded.status();
        subjects = *std::move(loaded);
        if (absl::Status s =
                AnswerForSurvivors(tx, *purpose_id, request.channel(), ids, &subjects, &answering);
            !s.ok()) {
          return s;
        }
        if (suppressions_ == nullptr) return absl::OkStatus();
        absl::string_view kind = ContactPointKind(request.channel());
        std::vector<std::vector<std::string>> identifiers(ids.size());
        for (size_t i = 0; i < ids.size(); ++i) {
          auto it = subjects.find(answering[i]);
          if (it != subjects.end() && !kind.empty()) {
            identifiers[i] = ContactPointsOf(kind, it->second.contact_points);
          }
        }
        auto found = suppressions_->FindSuppressions(tx, request.channel(), identifiers);
        if (!found.ok()) return found.status();
        for (size_t i = 0; i < found->size() && i < hits.size(); ++i) hits[i] = (*found)[i];
        return absl::OkStatus();
      });
  if (!status.ok()) return status;

  absl::Time now = clock_->Now();
  v1::BatchCheckConsentResponse response;
  response.mutable_checks()->Reserve(static_cast<int>(ids.size()));
  for (size_t i = 0; i < ids.size(); ++i) {
    v1::ConsentCheck* check = response.add_checks();
    auto it = subjects.find(answering[i]);
    if (it == subjects.end()) {
      check->set_profile(ProfileName(ids[i]));
      check->set_reason(v1::CHECK_REASON_PROFILE_NOT_FOUND);
      continue;
    }
    CheckFacts facts;
    facts.profile_deleted = it->second.deleted;
    facts.suppression = hits[i];
    facts.states = ApplyingStates(it->second.states, "");
    ToCheck(Decide(purpose, request.channel(), facts, now), answering[i], check);
  }
  return response;
}

}  // namespace cp::domain

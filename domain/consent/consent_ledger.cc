#include "domain/consent/consent_ledger.h"

#include <openssl/rand.h>
#include <openssl/sha.h>

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "domain/change/change_recorder.h"
#include "domain/common/error_reasons.h"
#include "domain/common/errors.h"
#include "domain/common/idempotency.h"
#include "domain/common/page_token.h"
#include "domain/common/paging.h"
#include "domain/common/proto_time.h"
#include "domain/common/resource_names.h"
#include "domain/consent/consent_evaluator.h"
#include "domain/consent/consent_event_filter.h"
#include "domain/consent/consent_names.h"
#include "domain/consent/merge_group.h"
#include "domain/consent/purpose_channels.h"
#include "domain/identity/contact_points.h"

namespace cp::domain {
namespace {

namespace v1 = ::customerprofile::v1;
using storage::ConsentEventRecord;
using storage::ConsentStateRecord;
using storage::Transaction;
using storage::TransactionMode;

constexpr absl::string_view kRecordScope = "RecordConsent";

// RecordEventChange appends the consent event `event` (of `record`) to the
// change log as a change `kind`.
absl::Status RecordEventChange(storage::Transaction& tx, const CallContext& context, absl::Time now,
                               v1::ChangeKind kind, const storage::ConsentEventRecord& record,
                               const v1::ConsentEvent& event) {
  return RecordChange(tx, context, now,
                      {v1::CHANGE_RESOURCE_TYPE_CONSENT, event.name(), record.profile_id}, kind,
                      nullptr, &event);
}
constexpr size_t kMaxEvidenceField = 1024;
constexpr int kTokenBytes = 32;

absl::Status ProfileNotFound(absl::string_view id) {
  return MakeError(absl::StatusCode::kNotFound, kProfileNotFound, "profile not found",
                   {{"name", ProfileName(id)}});
}

absl::Status PurposeNotFound(absl::string_view id) {
  return MakeError(absl::StatusCode::kNotFound, kPurposeNotFound, "purpose not found",
                   {{"name", PurposeName(id)}});
}

std::string HashToken(absl::string_view token) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(token.data()), token.size(), digest);
  return std::string(reinterpret_cast<const char*>(digest), sizeof(digest));
}

absl::StatusOr<std::string> NewToken() {
  unsigned char bytes[kTokenBytes];
  if (RAND_bytes(bytes, sizeof(bytes)) != 1) {
    return absl::InternalError("the random generator failed");
  }
  return absl::WebSafeBase64Escape(
      absl::string_view(reinterpret_cast<const char*>(bytes), sizeof(bytes)));
}

void CheckEvidence(const v1::ConsentEvidence& evidence, absl::string_view prefix,
                   bool method_required, FieldViolations* violations) {
  if (method_required && (evidence.method() == v1::EVIDENCE_METHOD_UNSPECIFIED ||
                          !v1::EvidenceMethod_IsValid(evidence.method()))) {
    violations->Add(absl::StrCat(prefix, "method"), "required: one of the EvidenceMethod values");
  }
  const std::pair<absl::string_view, const std::string*> fields[] = {
      {"source_system", &evidence.source_system()},
      {"agent", &evidence.agent()},
      {"reference", &evidence.reference()},
      {"ip_address", &evidence.ip_address()},
      {"user_agent", &evidence.user_agent()}};
  for (const auto& [name, value] : fields) {
    if (value->size() > kMaxEvidenceField) {
      violations->Add(absl::StrCat(prefix, name),
                      absl::StrCat("at most ", kMaxEvidenceField, " bytes"));
    }
  }
}

// ToEventResource is the API view of a stored event.
v1::ConsentEvent ToEventResource(const ConsentEventRecord& record) {
  v1::ConsentEvent event = record.event;
  event.set_name(ConsentEventName(record.profile_id, record.event_id));
  return event;
}

// MakeConsent is the API view of a current state, evaluated at `now`.
v1::Consent MakeConsent(const ConsentStateRecord& state, const v1::Purpose& purpose,
                        const std::optional<ConsentEventRecord>& event, absl::Time now) {
  v1::Consent consent;
  consent.set_purpose(PurposeName(state.purpose_id));
  consent.set_channel(state.channel);
  consent.set_contact_point(state.contact_point);
  std::optional<absl::Time> expire_time;
  consent.set_state(EvaluateState(state, purpose, now, &expire_time));
  if (expire_time.has_value()) *consent.mutable_expire_time() = ToProtoTime(*expire_time);
  if (event.has_value()) *consent.mutable_deciding_event() = ToEventResource(*event);
  return consent;
}

// ConsentFor reads the current state of one key and its deciding event.
absl::StatusOr<v1::Consent> ConsentFor(Transaction& tx, const ConsentEventRecord& key,
                                       const v1::Purpose& purpose, absl::Time now) {
  auto states = tx.consents().GetConsentStates(key.profile_id, key.purpose_id, key.channel);
  if (!states.ok()) return states.status();
  for (const ConsentStateRecord& state : *states) {
    if (state.contact_point != key.contact_point) continue;
    auto event = tx.consents().GetConsentEvent(state.profile_id, state.event_id);
    if (!event.ok()) return event.status();
    return MakeConsent(state, purpose, *event, now);
  }
  return absl::InternalError("the consent state is missing after an append");
}

constexpr CursorFieldType kEventCursor[] = {CursorFieldType::kInt, CursorFieldType::kInt};

}  // namespace

ConsentLedger::ConsentLedger(storage::Store* store, const Clock* clock, IdGenerator* ids,
                             ConsentLedgerOptions options)
    : store_(store), clock_(clock), ids_(ids), options_(options) {}

absl::StatusOr<v1::RecordConsentResponse> ConsentLedger::RecordConsent(
    const v1::RecordConsentRequest& request, const CallContext& context) {
  FieldViolations violations;
  AddInvalidUtf8(request, &violations);
  CheckRequestId(request.request_id(), &violations);
  absl::StatusOr<std::string> profile_id = ParseProfileName(request.parent(), "parent");
  if (!profile_id.ok()) violations.Add("parent", "must be of the form profiles/{profile}");
  const v1::ConsentEvent& in = request.consent_event();
  absl::StatusOr<std::string> purpose_id = ParsePurposeName(in.purpose(), "consent_event.purpose");
  if (!purpose_id.ok()) {
    violations.Add("consent_event.purpose", "must be of the form purposes/{purpose}");
  }
  if (in.channel() == v1::CHANNEL_UNSPECIFIED || !v1::Channel_IsValid(in.channel())) {
    violations.Add("consent_event.channel", "required: one of the Channel values");
  }
  if (in.decision() == v1::CONSENT_DECISION_UNSPECIFIED ||
      !v1::ConsentDecision_IsValid(in.decision())) {
    violations.Add("consent_event.decision", "required: GRANTED, DENIED or WITHDRAWN");
  }
  absl::Time now = TruncateToMicros(clock_->Now());
  if (!in.has_occur_time()) {
    violations.Add("consent_event.occur_time", "required");
  } else if (in.occur_time().nanos() < 0 || in.occur_time().nanos() > 999999999) {
    violations.Add("consent_event.occur_time", "is not a valid timestamp");
  } else if (FromProtoTime(in.occur_time()) > now) {
    violations.Add("consent_event.occur_time", "must not be in the future");
  }
  if (in.notice_version() < 0) {
    violations.Add("consent_event.notice_version", "must not be negative");
  }
  if (!in.has_evidence()) {
    violations.Add("consent_event.evidence", "required");
  } else {
    CheckEvidence(in.evidence(), "consent_event.evidence.", true, &violations);
  }
  if (!violations.empty()) return violations.ToStatus();

  std::string request_hash = request.request_id().empty() ? "" : RequestHash(request);
  std::string event_id = ids_->NewId();
  v1::RecordConsentResponse response;
  absl::Status status =
      store_->Run(TransactionMode::kReadWrite, context.deadline, [&](Transaction& tx) {
        response.Clear();
        if (!request.request_id().empty()) {
          absl::StatusOr<bool> replayed =
              FindReplay(tx, kRecordScope, request.request_id(), request_hash, &response);
          if (!replayed.ok() || *replayed) return replayed.status();
        }
        auto profile = tx.GetProfile(*profile_id);
        if (!profile.ok()) return profile.status();
        if (!profile->has_value()) return ProfileNotFound(*profile_id);
        if ((*profile)->profile.state() == v1::PROFILE_STATE_MERGED) {
          return MakeError(absl::StatusCode::kFailedPrecondition, kProfileMerged,
                           "the profile was merged into another profile: record on the survivor",
                           {{"name", ProfileName(*profile_id)},
                            {"survivor", (*profile)->profile.merged_into()}});
        }
        if ((*profile)->profile.has_delete_time()) {
          return MakeError(absl::StatusCode::kFailedPrecondition, kProfileDeleted,
                           "the profile is deleted: undelete it first",
                           {{"name", ProfileName(*profile_id)}});
        }
        auto purpose = tx.consents().GetPurpose(*purpose_id);
        if (!purpose.ok()) return purpose.status();
        if (!purpose->has_value()) return PurposeNotFound(*purpose_id);
        const v1::Purpose& stored_purpose = (*purpose)->purpose;
        if (!CoversChannel(stored_purpose, in.channel())) {
          return InvalidField("consent_event.channel", "the purpose does not cover this channel",
                              "PURPOSE_NOT_FOR_CHANNEL");
        }
        std::string contact_point;
        if (!in.contact_point().empty()) {
          auto own =
              ResolveOwnContactPoint((*profile)->profile, in.channel(), in.contact_point(),
                                     "consent_event.contact_point", options_.default_phone_region);
          if (!own.ok()) return own.status();
          contact_point = *std::move(own);
        }
        int64_t notice_version = in.notice_version();
        if (notice_version == 0) {
          notice_version = stored_purpose.notice_version();
        } else if (notice_version > stored_purpose.notice_version()) {
          return InvalidField("consent_event.notice_version",
                              "the purpose has no such notice version");
        }

        ConsentEventRecord record;
        record.profile_id = *profile_id;
        record.event_id = event_id;
        record.purpose_id = *purpose_id;
        record.channel = in.channel();
        record.contact_point = contact_point;
        record.occur_time = FromProtoTime(in.occur_time());
        v1::ConsentEvent& event = record.event;
        event.set_purpose(PurposeName(*purpose_id));
        event.set_channel(in.channel());
        event.set_contact_point(contact_point);
        event.set_decision(in.decision());
        *event.mutable_occur_time() = ToProtoTime(record.occur_time);
        event.set_notice_version(notice_version);
        *event.mutable_evidence() = in.evidence();
        *event.mutable_record_time() = ToProtoTime(now);
        event.set_recorded_by(context.app_id);
        event.set_recorded_for(context.actor);
        bool pending = in.decision() == v1::CONSENT_DECISION_GRANTED &&
                       stored_purpose.double_opt_in_required();
        event.set_pending_confirmation(pending);
        if (absl::Status s = tx.consents().AppendConsentEvent(&record); !s.ok()) return s;

        std::string token;
        if (pending) {
          auto new_token = NewToken();
          if (!new_token.ok()) return new_token.status();
          token = *std::move(new_token);
          storage::ConfirmationTokenRecord token_record{
              HashToken(token), *profile_id, event_id, now, now + options_.confirmation_token_ttl,
              std::nullopt};
          if (absl::Status s = tx.consents().InsertConfirmationToken(token_record); !s.ok()) {
            return s;
          }
        }
        *response.mutable_consent_event() = ToEventResource(record);
        if (absl::Status s = RecordEventChange(tx, context, now, v1::CHANGE_KIND_RECORDED, record,
                                               response.consent_event());
            !s.ok()) {
          return s;
        }
        auto consent = ConsentFor(tx, record, stored_purpose, now);
        if (!consent.ok()) return consent.status();
        *response.mutable_consent() = *std::move(consent);
        if (!request.request_id().empty()) {
          if (absl::Status s = RememberResponse(tx, kRecordScope, request.request_id(),
                                                request_hash, response, now);
              !s.ok()) {
            return s;
          }
        }
        response.set_confirmation_token(token);
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return response;
}

absl::StatusOr<v1::ConsentEvent> ConsentLedger::ConfirmConsent(
    const v1::ConfirmConsentRequest& request, const CallContext& context) {
  FieldViolations violations;
  AddInvalidUtf8(request, &violations);
  if (request.token().empty()) violations.Add("token", "required");
  if (request.token().size() > 256) violations.Add("token", "is not a confirmation token");
  CheckEvidence(request.evidence(), "evidence.", false, &violations);
  if (!violations.empty()) return violations.ToStatus();

  std::string token_hash = HashToken(request.token());
  absl::Time now = TruncateToMicros(clock_->Now());
  std::string event_id = ids_->NewId();
  v1::ConsentEvent result;
  absl::Status status =
      store_->Run(TransactionMode::kReadWrite, context.deadline, [&](Transaction& tx) {
        storage::ConsentRepository& consents = tx.consents();
        auto token = consents.GetConfirmationToken(token_hash);
        if (!token.ok()) return token.status();
        if (!token->has_value()) {
          return MakeError(absl::StatusCode::kNotFound, "CONFIRMATION_TOKEN_UNKNOWN",
                           "no pending consent has this confirmation token");
        }
        const storage::ConfirmationTokenRecord& stored = **token;
        if (stored.use_time.has_value()) {
          return MakeError(absl::StatusCode::kFailedPrecondition, kConfirmationTokenUsed,
                           "this confirmation token was already used");
        }
        if (now >= stored.expire_time) {
          return MakeError(absl::StatusCode::kFailedPrecondition, "CONFIRMATION_TOKEN_EXPIRED",
                           "this confirmation token has expired: record the consent again");
        }
        auto profile = tx.GetProfile(stored.profile_id);
        if (!profile.ok()) return profile.status();
        if (!profile->has_value() || (*profile)->profile.has_delete_time()) {
          return MakeError(absl::StatusCode::kFailedPrecondition, kProfileDeleted,
                           "the profile of this confirmation is deleted");
        }
        auto pending = consents.GetConsentEvent(stored.profile_id, stored.event_id);
        if (!pending.ok()) return pending.status();
        if (!pending->has_value()) {
          return absl::InternalError("the pending consent event of a token is missing");
        }
        const ConsentEventRecord& grant = **pending;
        auto states = consents.GetConsentStates(grant.profile_id, grant.purpose_id, grant.channel);
        if (!states.ok()) return states.status();
        bool current = false;
        for (const ConsentStateRecord& state : *states) {
          if (state.contact_point == grant.contact_point && state.event_id == grant.event_id) {
            current = true;
          }
        }
        if (!current) {
          return MakeError(absl::StatusCode::kFailedPrecondition, "CONSENT_SUPERSEDED",
                           "a later decision superseded the pending grant of this token");
        }
        if (absl::Status s = consents.MarkConfirmationTokenUsed(token_hash, now); !s.ok()) {
          if (absl::IsAborted(s)) {
            return MakeError(absl::StatusCode::kFailedPrecondition, kConfirmationTokenUsed,
                             "this confirmation token was already used");
          }
          return s;
        }
        ConsentEventRecord record;
        record.profile_id = grant.profile_id;
        record.event_id = event_id;
        record.purpose_id = grant.purpose_id;
        record.channel = grant.channel;
        record.contact_point = grant.contact_point;
        record.occur_time = std::max(now, grant.occur_time);
        v1::ConsentEvent& event = record.event;
        event.set_purpose(grant.event.purpose());
        event.set_channel(grant.channel);
        event.set_contact_point(grant.contact_point);
        event.set_decision(v1::CONSENT_DECISION_GRANTED);
        *event.mutable_occur_time() = ToProtoTime(record.occur_time);
        event.set_notice_version(grant.event.notice_version());
        *event.mutable_evidence() = request.evidence();
        event.mutable_evidence()->set_method(v1::EVIDENCE_METHOD_DOUBLE_OPT_IN);
        *event.mutable_record_time() = ToProtoTime(now);
        event.set_recorded_by(context.app_id);
        event.set_recorded_for(context.actor);
        event.set_confirms_event(ConsentEventName(grant.profile_id, grant.event_id));
        if (absl::Status s = consents.AppendConsentEvent(&record); !s.ok()) return s;
        result = ToEventResource(record);
        return RecordEventChange(tx, context, now, v1::CHANGE_KIND_CONFIRMED, record, result);
      });
  if (!status.ok()) return status;
  return result;
}

absl::StatusOr<v1::ListConsentEventsResponse> ConsentLedger::ListConsentEvents(
    const v1::ListConsentEventsRequest& request, const CallContext& context) {
  FieldViolations violations;
  AddInvalidUtf8(request, &violations);
  if (!violations.empty()) return violations.ToStatus();
  absl::StatusOr<std::string> profile_id = ParseProfileName(request.parent(), "parent");
  if (!profile_id.ok()) return profile_id.status();
  int page_size = ResolvePageSize(request.page_size(), options_.paging, context, &violations);
  absl::StatusOr<ConsentEventFilter> filter = ParseConsentEventFilter(request.filter());
  if (!filter.ok()) violations.AddAll(filter.status());
  const ListQuery list{
      .kind = "consentEvents", .parent = request.parent(), .filter = request.filter()};
  storage::ConsentEventQuery query;
  if (!request.page_token().empty()) {
    absl::StatusOr<PageCursor> after = DecodePageToken(request.page_token(), list, kEventCursor);
    if (after.ok()) {
      query.after = std::make_pair(absl::FromUnixMicros(std::get<int64_t>((*after)[0])),
                                   std::get<int64_t>((*after)[1]));
    } else {
      violations.AddAll(after.status());
    }
  }
  if (!violations.empty()) return violations.ToStatus();
  query.profile_id = *profile_id;
  query.purpose_id = filter->purpose_id;
  query.channel = filter->channel;
  query.limit = page_size + 1;
  v1::ListConsentEventsResponse response;
  absl::Status status =
      store_->Run(TransactionMode::kReadOnly, context.deadline, [&](Transaction& tx) {
        auto profile = tx.GetProfile(*profile_id);
        if (!profile.ok()) return profile.status();
        if (!profile->has_value()) return ProfileNotFound(*profile_id);
        // The events of the profiles merged into it are its own too.
        auto members = MergedMembers(tx, {*profile_id});
        if (!members.ok()) return members.status();
        query.merged_profile_ids.clear();
        for (const auto& member : *members) query.merged_profile_ids.push_back(member.first);
        auto records = tx.consents().ListConsentEvents(query);
        if (!records.ok()) return records.status();
        response.Clear();
        int n = std::min<int>(records->size(), page_size);
        for (int i = 0; i < n; ++i) *response.add_consent_events() = ToEventResource((*records)[i]);
        if (static_cast<int>(records->size()) > page_size) {
          const ConsentEventRecord& last = (*records)[n - 1];
          response.set_next_page_token(
              EncodePageToken(list, {absl::ToUnixMicros(last.occur_time), last.sequence}));
        }
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return response;
}

absl::StatusOr<v1::ListConsentsResponse> ConsentLedger::ListConsents(
    const v1::ListConsentsRequest& request, const CallContext& context) {
  FieldViolations violations;
  AddInvalidUtf8(request, &violations);
  if (!violations.empty()) return violations.ToStatus();
  absl::StatusOr<std::string> profile_id = ParseProfileName(request.parent(), "parent");
  if (!profile_id.ok()) return profile_id.status();
  absl::Time now = clock_->Now();
  v1::ListConsentsResponse response;
  absl::Status status =
      store_->Run(TransactionMode::kReadOnly, context.deadline, [&](Transaction& tx) {
        auto profile = tx.GetProfile(*profile_id);
        if (!profile.ok()) return profile.status();
        if (!profile->has_value()) return ProfileNotFound(*profile_id);
        auto states = tx.consents().ListConsentStates(*profile_id);
        if (!states.ok()) return states.status();
        // The current consents over the union with the profiles merged in.
        auto members = MergedMembers(tx, {*profile_id});
        if (!members.ok()) return members.status();
        for (const auto& member : *members) {
          auto more = tx.consents().ListConsentStates(member.first);
          if (!more.ok()) return more.status();
          for (ConsentStateRecord& state : *more) states->push_back(std::move(state));
        }
        if (!members->empty()) *states = LatestStates(*std::move(states));
        response.Clear();
        absl::flat_hash_map<std::string, v1::Purpose> purposes;
        for (const ConsentStateRecord& state : *states) {
          auto it = purposes.find(state.purpose_id);
          if (it == purposes.end()) {
            auto purpose = tx.consents().GetPurpose(state.purpose_id);
            if (!purpose.ok()) return purpose.status();
            v1::Purpose value = purpose->has_value() ? (*purpose)->purpose : v1::Purpose();
            it = purposes.emplace(state.purpose_id, std::move(value)).first;
          }
          auto event = tx.consents().GetConsentEvent(state.profile_id, state.event_id);
          if (!event.ok()) return event.status();
          *response.add_consents() = MakeConsent(state, it->second, *event, now);
        }
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return response;
}

}  // namespace cp::domain

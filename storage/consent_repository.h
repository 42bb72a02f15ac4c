#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "customerprofile/v1/consent.pb.h"

namespace cp::storage {

// PurposeRecord is one stored purpose. `purpose` is persisted whole (with its
// current notice_text and notice_version); name and etag are derived by the
// domain.
struct PurposeRecord {
  // The {purpose} part of the resource name.
  std::string id;
  // Incremented by every write; the etag is derived from it.
  int64_t revision = 0;
  customerprofile::v1::Purpose purpose;
};

// NoticeVersionRecord is one version of a purpose's notice text. Never
// changed once stored.
struct NoticeVersionRecord {
  std::string purpose_id;
  int64_t version = 0;
  std::string notice_text;
  absl::Time create_time;
};

// ConsentEventRecord is one event of the append-only consent ledger.
// `event` is persisted whole; the other fields copy what the store indexes.
struct ConsentEventRecord {
  std::string profile_id;
  // The {event} part of "profiles/{profile}/consentEvents/{event}".
  std::string event_id;
  std::string purpose_id;
  customerprofile::v1::Channel channel = customerprofile::v1::CHANNEL_UNSPECIFIED;
  // Empty for the whole channel.
  std::string contact_point;
  absl::Time occur_time;
  // Record order: assigned by the store on append, increasing with every
  // event of the store. Breaks ties of occur_time.
  int64_t sequence = 0;
  customerprofile::v1::ConsentEvent event;
};

// ConsentStateRecord is the materialised current state of one profile x
// purpose x channel x contact point: a copy of the deciding event's facts,
// i.e. of the event with the greatest (occur_time, sequence).
struct ConsentStateRecord {
  std::string profile_id;
  std::string purpose_id;
  customerprofile::v1::Channel channel = customerprofile::v1::CHANNEL_UNSPECIFIED;
  std::string contact_point;
  std::string event_id;
  absl::Time occur_time;
  int64_t sequence = 0;
  customerprofile::v1::ConsentDecision decision = customerprofile::v1::CONSENT_DECISION_UNSPECIFIED;
  // Whether the deciding event is a grant awaiting double opt-in.
  bool pending_confirmation = false;
};

// ConfirmationTokenRecord is a double opt-in token, stored only as the
// SHA-256 hash of the token the customer receives.
struct ConfirmationTokenRecord {
  std::string token_hash;
  std::string profile_id;
  // The pending grant the token confirms.
  std::string event_id;
  absl::Time create_time;
  absl::Time expire_time;
  // Set once the token was used.
  std::optional<absl::Time> use_time;
};

// ConsentEventQuery selects a profile's events, newest first: by
// occur_time descending, then sequence descending.
struct ConsentEventQuery {
  std::string profile_id;
  // The events of these profiles too (the profiles merged into profile_id).
  std::vector<std::string> merged_profile_ids;
  // Only events of this purpose, when not empty.
  std::string purpose_id;
  // Only events on this channel, when not CHANNEL_UNSPECIFIED.
  customerprofile::v1::Channel channel = customerprofile::v1::CHANNEL_UNSPECIFIED;
  // Only events strictly after (in the listing order) this (occur_time,
  // sequence), when set.
  std::optional<std::pair<absl::Time, int64_t>> after;
  int limit = 50;
};

// CheckSubject is what a batch check needs of one profile.
struct CheckSubject {
  bool deleted = false;
  // The survivor's id when the profile is MERGED, else empty.
  std::string merged_into;
  // The current states for the batch's purpose and channel, every contact
  // point (the whole channel's under "").
  std::vector<ConsentStateRecord> states;
  // The profile's contact points as (kind, value): kind "email" or "phone".
  std::vector<std::pair<std::string, std::string>> contact_points;
};

// ConsentRepository persists purposes, notice versions, the consent ledger,
// its materialised current state and double opt-in tokens inside a
// transaction.
class ConsentRepository {
 public:
  virtual ~ConsentRepository() = default;

  // GetPurpose returns the purpose with this id, or nullopt.
  virtual absl::StatusOr<std::optional<PurposeRecord>> GetPurpose(absl::string_view id) = 0;

  // InsertPurpose stores a new purpose; ALREADY_EXISTS when the id is taken.
  virtual absl::Status InsertPurpose(const PurposeRecord& record) = 0;

  // UpdatePurpose replaces a purpose when its stored revision equals
  // `expected_revision`; otherwise ABORTED and nothing changes.
  virtual absl::Status UpdatePurpose(const PurposeRecord& record, int64_t expected_revision) = 0;

  // ListPurposes returns at most `limit` purposes with ids greater than
  // `after_id`, by id.
  virtual absl::StatusOr<std::vector<PurposeRecord>> ListPurposes(absl::string_view after_id,
                                                                  int limit) = 0;

  // InsertNoticeVersion stores a notice version; ALREADY_EXISTS when the
  // purpose already has this version.
  virtual absl::Status InsertNoticeVersion(const NoticeVersionRecord& record) = 0;

  // GetNoticeVersion returns one version of a purpose's notice, or nullopt.
  virtual absl::StatusOr<std::optional<NoticeVersionRecord>> GetNoticeVersion(
      absl::string_view purpose_id, int64_t version) = 0;

  // ListNoticeVersions returns at most `limit` versions of a purpose below
  // `before_version` (0: no bound), newest first.
  virtual absl::StatusOr<std::vector<NoticeVersionRecord>> ListNoticeVersions(
      absl::string_view purpose_id, int64_t before_version, int limit) = 0;

  // AppendConsentEvent stores a new event, assigning `record->sequence`,
  // and in the same transaction makes it the current state of its profile x
  // purpose x channel x contact point when it is later (occur_time, then
  // sequence) than the state's deciding event. Concurrent appends are safe:
  // the state always ends at the greatest event. ALREADY_EXISTS when the
  // event id is taken.
  virtual absl::Status AppendConsentEvent(ConsentEventRecord* record) = 0;

  // GetConsentEvent returns one event of a profile, or nullopt.
  virtual absl::StatusOr<std::optional<ConsentEventRecord>> GetConsentEvent(
      absl::string_view profile_id, absl::string_view event_id) = 0;

  // ListConsentEvents returns the events the query selects, newest first.
  virtual absl::StatusOr<std::vector<ConsentEventRecord>> ListConsentEvents(
      const ConsentEventQuery& query) = 0;

  // ListConsentStates returns every current state of a profile, ordered by
  // purpose, channel and contact point.
  virtual absl::StatusOr<std::vector<ConsentStateRecord>> ListConsentStates(
      absl::string_view profile_id) = 0;

  // GetConsentStates returns a profile's current states for one purpose and
  // channel, every contact point.
  virtual absl::StatusOr<std::vector<ConsentStateRecord>> GetConsentStates(
      absl::string_view profile_id, absl::string_view purpose_id,
      customerprofile::v1::Channel channel) = 0;

  // LoadCheckSubjects returns, for each existing profile among
  // `profile_ids`, its delete state, its current states for `purpose_id` and
  // `channel` and its contact points, with a constant number of queries
  // whatever the number of profiles. Unknown ids are absent from the map.
  virtual absl::StatusOr<absl::flat_hash_map<std::string, CheckSubject>> LoadCheckSubjects(
      absl::string_view purpose_id, customerprofile::v1::Channel channel,
      absl::Span<const std::string> profile_ids) = 0;

  // InsertConfirmationToken stores a token; ALREADY_EXISTS when its hash is
  // taken.
  virtual absl::Status InsertConfirmationToken(const ConfirmationTokenRecord& record) = 0;

  // GetConfirmationToken returns the token with this hash, or nullopt.
  virtual absl::StatusOr<std::optional<ConfirmationTokenRecord>> GetConfirmationToken(
      absl::string_view token_hash) = 0;

  // MarkConfirmationTokenUsed sets the token's use time when it is unused;
  // ABORTED when it was used meanwhile, NOT_FOUND when there is none.
  virtual absl::Status MarkConfirmationTokenUsed(absl::string_view token_hash,
                                                 absl::Time use_time) = 0;
};

}  // namespace cp::storage

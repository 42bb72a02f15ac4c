#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "storage/change_repository.h"
#include "storage/consent_repository.h"
#include "storage/interaction_repository.h"
#include "storage/merge_repository.h"
#include "storage/profile_query.h"
#include "storage/profile_record.h"
#include "storage/suppression_repository.h"

namespace cp::storage {

// ProfileRepository persists profiles inside a transaction.
class ProfileRepository {
 public:
  virtual ~ProfileRepository() = default;

  // GetProfile returns the profile with this id, live or soft-deleted, or
  // nullopt when there is none.
  virtual absl::StatusOr<std::optional<ProfileRecord>> GetProfile(absl::string_view id) = 0;

  // InsertProfile stores a new profile. ALREADY_EXISTS when the id is taken
  // or when one of its external ids belongs to another live profile.
  virtual absl::Status InsertProfile(const ProfileRecord& record) = 0;

  // UpdateProfile replaces a stored profile (and its indexed columns) when
  // its stored revision still equals `expected_revision`; otherwise ABORTED
  // and nothing changes. `record.revision` is the new revision.
  // ALREADY_EXISTS when an external id belongs to another live profile.
  virtual absl::Status UpdateProfile(const ProfileRecord& record, int64_t expected_revision) = 0;

  // ListProfiles returns at most query.limit profiles in the query's order.
  virtual absl::StatusOr<std::vector<ProfileRecord>> ListProfiles(
      const ProfileListQuery& query) = 0;

  // LookupProfiles returns the live (not soft-deleted) profiles that hold
  // `identifier` (as an email, phone or external id), most recently updated
  // first (ties: descending id), at most `limit` of them; ask for one more
  // than you return to learn whether more exist. The index it reads is
  // written with every profile write, in the same transaction.
  virtual absl::StatusOr<std::vector<ProfileRecord>> LookupProfiles(
      const ProfileIdentifier& identifier, int limit) = 0;

  // ListMergedProfiles returns (id, survivor id) of every profile MERGED
  // directly into one of `survivor_ids`.
  virtual absl::StatusOr<std::vector<std::pair<std::string, std::string>>> ListMergedProfiles(
      absl::Span<const std::string> survivor_ids) = 0;

  // FindLiveProfileByExternalId returns the id of the live profile holding
  // (system, external_id), or nullopt.
  virtual absl::StatusOr<std::optional<std::string>> FindLiveProfileByExternalId(
      absl::string_view system, absl::string_view external_id) = 0;
};

// IdempotencyRecord remembers the response to a request that carried a
// client request_id, so that a replay returns it again (AIP-155).
struct IdempotencyRecord {
  // The method the request_id is scoped to, e.g. "CreateProfile".
  std::string scope;
  std::string request_id;
  // A hash of the request, to tell a replay from a reuse of the id.
  std::string request_hash;
  // The serialized response.
  std::string response;
  absl::Time create_time;
};

// IdempotencyRepository stores IdempotencyRecords inside a transaction.
class IdempotencyRepository {
 public:
  virtual ~IdempotencyRepository() = default;

  // GetRequest returns the record for (scope, request_id), or nullopt.
  virtual absl::StatusOr<std::optional<IdempotencyRecord>> GetRequest(
      absl::string_view scope, absl::string_view request_id) = 0;

  // PutRequest stores a record; ALREADY_EXISTS when (scope, request_id) is
  // already stored.
  virtual absl::Status PutRequest(const IdempotencyRecord& record) = 0;
};

// Transaction is one unit of work against a store; everything done through
// it commits or rolls back together.
class Transaction : public ProfileRepository, public IdempotencyRepository {
 public:
  // consents returns the consent repository working in this transaction.
  virtual ConsentRepository& consents() = 0;
  // suppressions returns the suppression repository working in this
  // transaction.
  virtual SuppressionRepository& suppressions() = 0;
  // merges returns the merge repository working in this transaction.
  virtual MergeRepository& merges() = 0;
  // interactions returns the interaction repository working in this
  // transaction.
  virtual InteractionRepository& interactions() = 0;
  // changes returns the change log working in this transaction.
  virtual ChangeRepository& changes() = 0;

  // BackfillMatchKeys writes the duplicate index rows (storage/match_keys.h)
  // of the next `limit` profiles stored before they were indexed, and
  // returns whether more remain. Store::Migrate runs it to the end.
  virtual absl::StatusOr<bool> BackfillMatchKeys(int limit) = 0;
};

}  // namespace cp::storage

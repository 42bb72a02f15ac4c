#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "customerprofile/internal/v1/change_details.pb.h"

namespace cp::storage {

// ChangeRecord is one row of the change log (the transactional outbox): a
// change to one resource, written in the transaction of the change itself,
// so that no change is visible without its row and no row without its
// change. The same rows are the feed (ChangeService) and, for those about
// one customer, the audit trail (AuditService).
struct ChangeRecord {
  // Assigned by the store when the transaction commits (see
  // ChangeRepository::AppendChange); 0 before.
  int64_t sequence = 0;
  // The time of the change (the transaction's clock reading).
  absl::Time change_time;
  // A customerprofile.v1.ChangeResourceType number.
  int resource_type = 0;
  std::string resource_name;
  // The {profile} the change is about; empty for purposes and lists.
  std::string profile_id;
  // A customerprofile.v1.ChangeKind number; 0 for an audited read.
  int kind = 0;
  // An audited read of personal data, not a change: never in the feed.
  bool read = false;
  std::string app_id;
  std::string actor;
  // Everything else, stored as one blob.
  customerprofile::internal::v1::ChangeDetails details;
};

// ChangeQuery selects feed rows: changes (never reads) with a sequence in
// (after_sequence, through_sequence], ascending.
struct ChangeQuery {
  int64_t after_sequence = 0;
  int64_t through_sequence = 0;
  // Only these ChangeResourceType numbers; empty means every type.
  std::vector<int> resource_types;
  // Only changes about this {profile}; empty means every one.
  std::string profile_id;
  int limit = 100;
};

// AuditQuery selects one customer's rows, changes and audited reads,
// newest first (descending sequence).
struct AuditQuery {
  std::string profile_id;
  // Only rows below this sequence (the page cursor); unset: from the newest.
  std::optional<int64_t> before_sequence;
  // Each of these, when set, must match.
  std::optional<int> resource_type;
  std::optional<int> kind;
  std::optional<bool> read;
  std::optional<std::string> app_id;
  std::optional<std::string> actor;
  // change_time >= from, change_time < to.
  std::optional<absl::Time> from;
  std::optional<absl::Time> to;
  int limit = 50;
};

// ChangeRepository reads and writes the change log inside a transaction.
//
// Sequences: a change's sequence is unique and, among the changes of one
// transaction, follows the order they were appended. Concurrent
// transactions may commit in another order than their sequences (MySQL
// takes an AUTO_INCREMENT value at insert), and a rolled-back transaction
// leaves a gap. A reader therefore reads the feed only up to a sequence it
// knows to be resolved (domain/change/change_tail.h): ListSequences and
// AwaitSequences are what it learns that from.
class ChangeRepository {
 public:
  virtual ~ChangeRepository() = default;

  // AppendChange queues `record` (its sequence ignored) to be written with
  // the transaction: the store writes every queued change as the last
  // statement before its commit, so the time between a change's sequence
  // being taken and its commit is as short as it can be. Fails with
  // FAILED_PRECONDITION in a read-only transaction.
  virtual absl::Status AppendChange(ChangeRecord record) = 0;

  // ListChanges returns the changes the query selects, ascending.
  virtual absl::StatusOr<std::vector<ChangeRecord>> ListChanges(const ChangeQuery& query) = 0;

  // ListAuditEvents returns the rows the query selects, newest first.
  virtual absl::StatusOr<std::vector<ChangeRecord>> ListAuditEvents(const AuditQuery& query) = 0;

  // ListSequences returns the committed sequences above `after`, ascending,
  // at most `limit` (changes and reads alike).
  virtual absl::StatusOr<std::vector<int64_t>> ListSequences(int64_t after, int limit) = 0;

  // AwaitSequences waits until no transaction that wrote a sequence in
  // (after, through] is still open (it commits or rolls back), then returns
  // the sequences stored there, ascending. It waits at most the lock wait
  // timeout of the transaction (then ABORTED, to be retried). Runs in a
  // read-only transaction too.
  virtual absl::StatusOr<std::vector<int64_t>> AwaitSequences(int64_t after, int64_t through) = 0;

  // MaxSequence returns the highest committed sequence, or 0 when the log
  // is empty.
  virtual absl::StatusOr<int64_t> MaxSequence() = 0;

  // FirstSequenceSince returns the lowest sequence whose change_time is at
  // or after `time`, or nullopt when there is none.
  virtual absl::StatusOr<std::optional<int64_t>> FirstSequenceSince(absl::Time time) = 0;

  // PruneChanges deletes at most `limit` of the oldest rows older than
  // their retention: rows not about a customer when their change_time is
  // before `feed_cutoff`, rows about one (the audit trail) before
  // `audit_cutoff` (InfinitePast: kept). Returns how many it deleted.
  virtual absl::StatusOr<int> PruneChanges(absl::Time feed_cutoff, absl::Time audit_cutoff,
                                           int limit) = 0;
};

}  // namespace cp::storage

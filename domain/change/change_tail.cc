#include "domain/change/change_tail.h"

#include <algorithm>
#include <utility>
#include <vector>

namespace cp::domain {
namespace {

using storage::Transaction;
using storage::TransactionMode;

// How far below the newest sequence the first head waits for open writers:
// a writer takes its sequence in its last statement, so none is older.
constexpr int64_t kStartWindow = 10000;

}  // namespace

ChangeTail::ChangeTail(storage::Store* store, const Clock* clock, ChangeTailOptions options)
    : store_(store), clock_(clock), options_(options) {}

int64_t ChangeTail::head() const {
  absl::MutexLock lock(&mu_);
  return head_;
}

absl::StatusOr<int64_t> ChangeTail::Start(absl::Time deadline) {
  int64_t max = 0;
  absl::Status status = store_->Run(TransactionMode::kReadOnly, deadline, [&](Transaction& tx) {
    absl::StatusOr<int64_t> newest = tx.changes().MaxSequence();
    if (!newest.ok()) return newest.status();
    max = *newest;
    if (max == 0) return absl::OkStatus();
    return tx.changes().AwaitSequences(std::max<int64_t>(0, max - kStartWindow), max).status();
  });
  if (!status.ok()) return status;
  return max;
}

absl::StatusOr<int64_t> ChangeTail::Advance(absl::Time deadline) {
  absl::MutexLock advancing(&advance_mu_);
  int64_t head = this->head();
  if (head < 0) {
    absl::StatusOr<int64_t> start = Start(deadline);
    if (!start.ok()) return start.status();
    head = *start;
  }
  // A bounded number of full scans per call; the next call goes on.
  for (int round = 0; round < 10; ++round) {
    absl::StatusOr<std::pair<int64_t, bool>> step = Scan(head, deadline);
    if (!step.ok()) return step.status();
    head = step->first;
    if (!step->second) break;
  }
  missing_since_.erase(missing_since_.begin(), missing_since_.upper_bound(head));
  absl::MutexLock lock(&mu_);
  head_ = std::max(head_, head);
  return head_;
}

absl::StatusOr<std::pair<int64_t, bool>> ChangeTail::Scan(int64_t head, absl::Time deadline) {
  std::vector<int64_t> seen;
  absl::Status status = store_->Run(TransactionMode::kReadOnly, deadline, [&](Transaction& tx) {
    absl::StatusOr<std::vector<int64_t>> sequences =
        tx.changes().ListSequences(head, options_.scan_limit);
    if (!sequences.ok()) return sequences.status();
    seen = *std::move(sequences);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  if (seen.empty()) return std::make_pair(head, false);
  const bool full = static_cast<int>(seen.size()) == options_.scan_limit;
  // Contiguous from the head: resolved at once.
  size_t i = 0;
  while (i < seen.size() && seen[i] == head + 1) {
    ++head;
    ++i;
  }
  if (i == seen.size()) return std::make_pair(head, full);

  // A gap below a committed sequence: wait for whoever may still be writing
  // in it, then read what is there.
  const int64_t through = seen.back();
  std::vector<int64_t> settled;
  status = store_->Run(TransactionMode::kReadOnly, deadline, [&](Transaction& tx) {
    absl::StatusOr<std::vector<int64_t>> sequences = tx.changes().AwaitSequences(head, through);
    if (!sequences.ok()) return sequences.status();
    settled = *std::move(sequences);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  const absl::Time now = clock_->Now();
  for (int64_t next : settled) {
    while (head + 1 < next) {
      // head + 1 is missing although a later sequence committed.
      const absl::Time since = missing_since_.emplace(head + 1, now).first->second;
      if (now - since < options_.gap_timeout) return std::make_pair(head, false);
      ++head;  // Never committed: passed.
    }
    head = next;
  }
  return std::make_pair(head, full);
}

}  // namespace cp::domain

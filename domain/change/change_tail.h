#pragma once

#include <cstdint>
#include <map>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "domain/common/clock.h"
#include "storage/store.h"

namespace cp::domain {

// ChangeTailOptions tunes how the tail passes gaps.
struct ChangeTailOptions {
  // How long a sequence found missing after every open writer of it ended
  // is still waited for before the tail passes it as never committed (a
  // rolled-back transaction). Covers the instant between a writer taking an
  // AUTO_INCREMENT value and its row existing.
  absl::Duration gap_timeout = absl::Seconds(1);
  // The most sequences one scan reads.
  int scan_limit = 1000;
};

// ChangeTail knows how far the change log is resolved: every sequence at or
// below head() is committed (and visible to every reader) or never will be.
// The feed is read only up to it, so that no reader passes a sequence whose
// transaction commits later: on MySQL a transaction takes its sequence at
// insert and commits after, so sequences can become visible out of order
// (storage/change_repository.h).
//
// Advance moves the head: over sequences committed without a gap at once;
// at a gap below a committed sequence it waits for the gap's writers with
// AwaitSequences (a locking read that returns when they have committed or
// rolled back), and passes a sequence still missing after that once it has
// been missing for gap_timeout. It reads the database, never this
// process's memory of its own writes, so it works the same for every
// server sharing one database. Thread-safe; Advance blocks.
class ChangeTail {
 public:
  ChangeTail(storage::Store* store, const Clock* clock, ChangeTailOptions options = {});

  // Advance reads the sequences committed past the head, moves the head over
  // the resolved ones and returns it. The first call starts the head at the
  // newest committed sequence, after waiting for the open writers of the
  // sequences just below it.
  absl::StatusOr<int64_t> Advance(absl::Time deadline);

  // head returns the resolved head, or -1 before the first Advance.
  int64_t head() const;

 private:
  // Start finds the first head.
  absl::StatusOr<int64_t> Start(absl::Time deadline);
  // Scan runs one step of Advance from `head`: the new head, and whether
  // more may be ready at once (a full scan).
  absl::StatusOr<std::pair<int64_t, bool>> Scan(int64_t head, absl::Time deadline)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(advance_mu_);

  storage::Store* const store_;
  const Clock* const clock_;
  const ChangeTailOptions options_;
  // One Advance at a time; held while it reads the database.
  absl::Mutex advance_mu_;
  // When each sequence the tail waits at was first found missing.
  std::map<int64_t, absl::Time> missing_since_ ABSL_GUARDED_BY(advance_mu_);
  mutable absl::Mutex mu_;
  int64_t head_ ABSL_GUARDED_BY(mu_) = -1;
};

}  // namespace cp::domain

#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/functional/any_invocable.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "domain/change/change_feed.h"
#include "server/json_log.h"

namespace cp::server {

// ChangePollerOptions sets how often the poller reads the change log.
struct ChangePollerOptions {
  // How often the tail is advanced while a stream watches
  // (--change-poll-interval). Commits of this server wake it at once;
  // commits of other servers sharing the database are seen within it.
  absl::Duration poll_interval = absl::Milliseconds(100);
  // How often each watcher gets a tick (heartbeats, stall checks).
  absl::Duration tick_interval = absl::Seconds(1);
  // How often old changes are pruned, in batches.
  absl::Duration prune_interval = absl::Minutes(1);
  int prune_batch = 500;
};

// ChangePoller is the one thread that moves a server's view of the change
// log: while at least one WatchChanges stream is open it advances the
// feed's tail (ChangeTail, one small query) every poll interval, or at once
// when Notify says this server committed changes, and tells every watcher
// the new head; with no watcher it reads nothing (an idle server does not
// poll the database). It also prunes changes past their retention in the
// background. Watchers' callbacks run on its thread and must not block.
// Thread-safe.
class ChangePoller {
 public:
  // Event is what a watcher is told.
  enum class Event {
    // The head moved (see head()).
    kAdvanced,
    // A tick: time for a heartbeat or a stall check.
    kTick,
    // The server is shutting down: end the stream (resumable).
    kClosing,
  };
  using Handle = uint64_t;
  using Watcher = absl::AnyInvocable<void(Event, int64_t head)>;

  ChangePoller(domain::ChangeFeed* feed, JsonLog* log, ChangePollerOptions options = {});
  // ~ChangePoller stops the thread.
  ~ChangePoller();

  ChangePoller(const ChangePoller&) = delete;
  ChangePoller& operator=(const ChangePoller&) = delete;

  // Start starts the thread. Idempotent.
  void Start();
  // Notify says this server committed changes: advance soon. Non-blocking.
  void Notify();
  // Add registers a watcher; it gets events until Remove. 0 once closing
  // (the caller ends its stream).
  Handle Add(Watcher watcher);
  // Remove unregisters a watcher; once it returns, the watcher's callback
  // neither runs nor will run (unless called from that callback).
  void Remove(Handle handle);
  // Close tells every watcher kClosing and refuses new ones; the thread
  // keeps pruning until Stop. Idempotent.
  void Close();
  // Stop ends the thread. Idempotent.
  void Stop();

 private:
  void Loop();
  // Tell runs `event` on every watcher, outside mu_ but under tell_mu_.
  void Tell(Event event, int64_t head);

  domain::ChangeFeed* const feed_;
  JsonLog* const log_;
  const ChangePollerOptions options_;
  // Held while callbacks run, so that Remove can wait for them.
  absl::Mutex tell_mu_ ABSL_ACQUIRED_BEFORE(mu_);
  absl::Mutex mu_;
  std::map<Handle, Watcher> watchers_ ABSL_GUARDED_BY(mu_);
  Handle next_handle_ ABSL_GUARDED_BY(mu_) = 1;
  // Watchers removed from their own callback, erased after it.
  std::set<Handle> doomed_ ABSL_GUARDED_BY(mu_);
  // The thread running Tell's callbacks, if any.
  std::thread::id telling_thread_ ABSL_GUARDED_BY(mu_);
  bool notified_ ABSL_GUARDED_BY(mu_) = false;
  bool closing_ ABSL_GUARDED_BY(mu_) = false;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace cp::server

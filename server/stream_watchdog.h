#pragma once

#include <cstdint>
#include <map>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/functional/any_invocable.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace cp::server {

// StreamWatchdog ends streaming calls that outlive their deadline or wait
// too long for their client's next message: every bounded step of a stream
// is bounded, but the wait between messages is up to the client, so a
// client that opens a stream and sends nothing would otherwise hold it (and
// what it staged) for ever. One thread sleeps until the earliest expiry
// among the registered streams (no polling) and runs that stream's expiry
// callback, at most once per stream. Each wake scans the registered
// streams, which --max-concurrent-streams bounds per connection.
// Thread-safe.
class StreamWatchdog {
 public:
  // Handle names one registered stream; 0 is never a handle.
  using Handle = uint64_t;
  // Expiry says why a stream expired.
  enum class Expiry {
    // The call's deadline passed.
    kDeadline,
    // The stream waited longer than the idle timeout for a message.
    kIdle,
  };
  // OnExpiry runs on the watchdog's thread and must not block: it is how
  // every other stream's expiry waits.
  using OnExpiry = absl::AnyInvocable<void(Expiry) &&>;

  // StreamWatchdog starts its thread; a stream whose idle clock runs
  // expires `idle_timeout` (more than zero) after the clock started.
  explicit StreamWatchdog(absl::Duration idle_timeout);
  // ~StreamWatchdog stops the thread; every stream must be unregistered.
  ~StreamWatchdog();

  StreamWatchdog(const StreamWatchdog&) = delete;
  StreamWatchdog& operator=(const StreamWatchdog&) = delete;

  // Register watches a new stream that must end by `deadline` and whose
  // idle clock is stopped (see StartIdle); `on_expiry` runs once, at the
  // deadline or at the idle expiry, whichever comes first, unless the stream
  // is unregistered before.
  Handle Register(absl::Time deadline, OnExpiry on_expiry);

  // StartIdle starts (or restarts) the stream's idle clock: it now waits for
  // its client and expires idle_timeout from now unless StopIdle comes
  // first. No effect on an unknown handle.
  void StartIdle(Handle stream);

  // StopIdle stops the stream's idle clock while the server works on it;
  // its deadline still runs. No effect on an unknown handle.
  void StopIdle(Handle stream);

  // Unregister stops watching `stream`. When its callback is running on the
  // watchdog's thread, it waits for the callback to return (unless called
  // from that callback), so that once it returns the callback neither runs
  // nor will run: what it refers to may be destroyed.
  void Unregister(Handle stream);

  // idle_timeout returns how long a stream may wait for a message.
  absl::Duration idle_timeout() const { return idle_timeout_; }

 private:
  // Stream is what the watchdog knows of one registered stream.
  struct Stream {
    absl::Time deadline;
    // absl::InfiniteFuture() while the idle clock is stopped.
    absl::Time idle_expiry = absl::InfiniteFuture();
    // Empty once it ran.
    OnExpiry on_expiry;
  };

  void Run();
  // WakeFor makes the thread wake by `expiry` if it would sleep longer.
  void WakeFor(absl::Time expiry) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const absl::Duration idle_timeout_;
  absl::Mutex mu_;
  // Signalled when a stream may expire earlier than the thread sleeps, and
  // to stop.
  absl::CondVar wake_;
  // Signalled when a callback returned.
  absl::CondVar callback_done_;
  std::map<Handle, Stream> streams_ ABSL_GUARDED_BY(mu_);
  Handle next_handle_ ABSL_GUARDED_BY(mu_) = 1;
  // The stream whose callback runs now, or 0.
  Handle running_ ABSL_GUARDED_BY(mu_) = 0;
  // When the thread wakes next, absent a signal.
  absl::Time next_wake_ ABSL_GUARDED_BY(mu_) = absl::InfiniteFuture();
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace cp::server

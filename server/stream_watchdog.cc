#include "server/stream_watchdog.h"

#include <algorithm>
#include <utility>

#include "absl/time/clock.h"

namespace cp::server {

StreamWatchdog::StreamWatchdog(absl::Duration idle_timeout) : idle_timeout_(idle_timeout) {
  thread_ = std::thread([this]() { Run(); });
}

StreamWatchdog::~StreamWatchdog() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
    wake_.Signal();
  }
  thread_.join();
}

StreamWatchdog::Handle StreamWatchdog::Register(absl::Time deadline, OnExpiry on_expiry) {
  absl::MutexLock lock(&mu_);
  Handle handle = next_handle_++;
  streams_.emplace(handle, Stream{deadline, absl::InfiniteFuture(), std::move(on_expiry)});
  WakeFor(deadline);
  return handle;
}

void StreamWatchdog::StartIdle(Handle stream) {
  absl::MutexLock lock(&mu_);
  auto it = streams_.find(stream);
  if (it == streams_.end()) return;
  it->second.idle_expiry = absl::Now() + idle_timeout_;
  WakeFor(it->second.idle_expiry);
}

void StreamWatchdog::StopIdle(Handle stream) {
  absl::MutexLock lock(&mu_);
  auto it = streams_.find(stream);
  // The thread may still wake at the old expiry; it then finds nothing due.
  if (it != streams_.end()) it->second.idle_expiry = absl::InfiniteFuture();
}

void StreamWatchdog::Unregister(Handle stream) {
  absl::MutexLock lock(&mu_);
  streams_.erase(stream);
  // From inside the callback (e.g. the call's OnDone ran inline in it),
  // waiting would wait for itself; the callback returns right after.
  if (std::this_thread::get_id() == thread_.get_id()) return;
  while (running_ == stream) callback_done_.Wait(&mu_);
}

void StreamWatchdog::WakeFor(absl::Time expiry) {
  if (expiry < next_wake_) wake_.Signal();
}

void StreamWatchdog::Run() {
  mu_.Lock();
  while (!stopping_) {
    absl::Time now = absl::Now();
    absl::Time earliest = absl::InfiniteFuture();
    auto due = streams_.end();
    Expiry why = Expiry::kDeadline;
    for (auto it = streams_.begin(); it != streams_.end(); ++it) {
      const Stream& stream = it->second;
      if (!stream.on_expiry) continue;
      if (stream.deadline <= now || stream.idle_expiry <= now) {
        due = it;
        why = stream.deadline <= now ? Expiry::kDeadline : Expiry::kIdle;
        break;
      }
      earliest = std::min({earliest, stream.deadline, stream.idle_expiry});
    }
    if (due == streams_.end()) {
      next_wake_ = earliest;
      wake_.WaitWithDeadline(&mu_, earliest);
      next_wake_ = absl::InfiniteFuture();
      continue;
    }
    OnExpiry on_expiry = std::move(due->second.on_expiry);
    due->second.on_expiry = nullptr;
    running_ = due->first;
    mu_.Unlock();
    std::move(on_expiry)(why);
    on_expiry = nullptr;
    mu_.Lock();
    running_ = 0;
    callback_done_.SignalAll();
  }
  mu_.Unlock();
}

}  // namespace cp::server

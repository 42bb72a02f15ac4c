#include "server/change_poller.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace cp::server {

ChangePoller::ChangePoller(domain::ChangeFeed* feed, JsonLog* log, ChangePollerOptions options)
    : feed_(feed), log_(log), options_(options) {}

ChangePoller::~ChangePoller() { Stop(); }

void ChangePoller::Start() {
  absl::MutexLock lock(&mu_);
  if (thread_.joinable() || stopping_) return;
  thread_ = std::thread([this]() { Loop(); });
}

void ChangePoller::Notify() {
  absl::MutexLock lock(&mu_);
  notified_ = true;
}

ChangePoller::Handle ChangePoller::Add(Watcher watcher) {
  absl::MutexLock lock(&mu_);
  if (closing_) return 0;
  Handle handle = next_handle_++;
  watchers_.emplace(handle, std::move(watcher));
  // A new watcher wants the head soon.
  notified_ = true;
  return handle;
}

void ChangePoller::Remove(Handle handle) {
  if (handle == 0) return;
  {
    absl::MutexLock lock(&mu_);
    if (telling_thread_ == std::this_thread::get_id()) {
      // From a callback: the running Tell erases it when it is done.
      doomed_.insert(handle);
      return;
    }
  }
  // Waits for a Tell in progress, which may be running this very watcher.
  absl::MutexLock telling(&tell_mu_);
  absl::MutexLock lock(&mu_);
  watchers_.erase(handle);
}

void ChangePoller::Close() {
  {
    absl::MutexLock lock(&mu_);
    if (closing_) return;
    closing_ = true;
  }
  Tell(Event::kClosing, feed_->tail()->head());
}

void ChangePoller::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

void ChangePoller::Tell(Event event, int64_t head) {
  absl::MutexLock telling(&tell_mu_);
  std::vector<Handle> handles;
  {
    absl::MutexLock lock(&mu_);
    telling_thread_ = std::this_thread::get_id();
    for (const auto& entry : watchers_) handles.push_back(entry.first);
  }
  for (Handle handle : handles) {
    Watcher* watcher = nullptr;
    {
      absl::MutexLock lock(&mu_);
      auto it = watchers_.find(handle);
      if (it == watchers_.end() || doomed_.contains(handle)) continue;
      watcher = &it->second;
    }
    // The entry stays while it runs: a Remove from another thread waits
    // for tell_mu_, one from a callback is left to us (doomed_).
    (*watcher)(event, head);
  }
  absl::MutexLock lock(&mu_);
  for (Handle handle : doomed_) watchers_.erase(handle);
  doomed_.clear();
  telling_thread_ = std::thread::id();
}

void ChangePoller::Loop() {
  absl::Time last_tick = absl::Now();
  absl::Time last_prune = absl::Now() - options_.prune_interval + absl::Seconds(10);
  int64_t told_head = -1;
  while (true) {
    bool watched = false;
    {
      absl::MutexLock lock(&mu_);
      auto ready = [this]() ABSL_SHARED_LOCKS_REQUIRED(mu_) { return notified_ || stopping_; };
      mu_.AwaitWithTimeout(absl::Condition(&ready),
                           watchers_.empty() ? options_.tick_interval : options_.poll_interval);
      if (stopping_) return;
      notified_ = false;
      watched = !watchers_.empty() && !closing_;
    }
    const absl::Time now = absl::Now();
    if (watched) {
      absl::StatusOr<int64_t> head = feed_->tail()->Advance(now + absl::Seconds(5));
      if (!head.ok()) {
        log_->Event(LogLevel::kWarn, "change_poll_failed",
                    {{"detail", std::string(head.status().message())}});
      } else if (*head != told_head) {
        told_head = *head;
        Tell(Event::kAdvanced, *head);
      }
    }
    if (now - last_tick >= options_.tick_interval) {
      last_tick = now;
      if (watched) Tell(Event::kTick, feed_->tail()->head());
    }
    if (now - last_prune >= options_.prune_interval) {
      last_prune = now;
      int total = 0;
      while (true) {
        absl::StatusOr<int> pruned =
            feed_->Prune(options_.prune_batch, absl::Now() + absl::Seconds(5));
        if (!pruned.ok()) {
          log_->Event(LogLevel::kWarn, "change_prune_failed",
                      {{"detail", std::string(pruned.status().message())}});
          break;
        }
        total += *pruned;
        absl::MutexLock lock(&mu_);
        if (*pruned < options_.prune_batch || stopping_) break;
      }
      if (total > 0) {
        log_->Event(LogLevel::kInfo, "change_prune", {{"deleted_changes", absl::StrCat(total)}});
      }
    }
  }
}

}  // namespace cp::server

#include "server/change_service.h"

#include <algorithm>
#include <deque>
#include <optional>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "domain/common/errors.h"
#include "domain/common/proto_time.h"
#include "server/auth/profile_access.h"
#include "server/status_conversion.h"

namespace cp::server {
namespace {

namespace v1 = ::customerprofile::v1;

constexpr absl::string_view kServicePath = "/customerprofile.v1.ChangeService/";
// How long one read of the feed may take.
constexpr absl::Duration kStepTime = absl::Seconds(10);

std::string FullMethod(absl::string_view name) { return absl::StrCat(kServicePath, name); }

}  // namespace

// WatchReactor streams the feed to one client. Its state is guarded by mu_;
// it does one thing at a time: a read of the feed on the worker pool, or a
// write to the client, or (caught up) nothing until the poller says the head
// moved. At most one page of changes is held. Finish is called once, by
// whichever path sets ended_ first; OnDone unregisters from the poller and
// deletes the reactor.
class ChangeService::WatchReactor final
    : public grpc::ServerWriteReactor<v1::WatchChangesResponse> {
 public:
  WatchReactor(ChangeService* service, grpc::CallbackServerContext* ctx,
               const v1::WatchChangesRequest* request)
      : service_(service), ctx_(ctx), request_(*request) {
    call_ = service_->dispatcher_->BeginStream(ctx, FullMethod("WatchChanges"));
    if (call_.admission.ok())
      call_.admission = auth::CheckOwnProfile(call_.context, request_.profile());
    if (call_.admission.ok() && call_.context.IsSelfService() && request_.profile().empty()) {
      call_.admission = auth::CheckOwnProfile(call_.context, "profiles/-");
    }
    if (!call_.admission.ok()) {
      End(call_.admission);
      return;
    }
    {
      absl::MutexLock lock(&mu_);
      reading_ = true;
    }
    if (!service_->dispatcher_->pool()->Submit([this]() { Begin(); })) EndStep(Busy());
  }

  void OnWriteDone(bool ok) override {
    {
      absl::MutexLock lock(&mu_);
      writing_ = false;
      last_sent_ = absl::Now();
      if (ended_) return;
    }
    if (!ok) {
      End(absl::CancelledError("the client went away"));
      return;
    }
    Pump();
  }

  void OnCancel() override { End(absl::CancelledError("the watch was cancelled")); }

  void OnDone() override {
    service_->poller_->Remove(watcher_);
    delete this;
  }

 private:
  // Begin (on a worker) checks the request and finds where to start.
  void Begin() {
    absl::StatusOr<domain::FeedFilter> filter =
        domain::ChangeFeed::ParseFilter(request_.resource_types(), request_.profile());
    if (!filter.ok()) {
      EndStep(filter.status());
      return;
    }
    absl::StatusOr<domain::FeedPosition> start = service_->feed_->Start(
        request_.resume_token(), request_.has_start_time() ? &request_.start_time() : nullptr,
        StepDeadline());
    if (!start.ok()) {
      EndStep(start.status());
      return;
    }
    {
      absl::MutexLock lock(&mu_);
      filter_ = *std::move(filter);
      position_ = *start;
      last_sent_ = absl::Now();
    }
    ChangePoller::Handle handle = service_->poller_->Add(
        [this](ChangePoller::Event event, int64_t head) { OnPoll(event, head); });
    if (handle == 0) {
      EndStep(Closing());
      return;
    }
    {
      absl::MutexLock lock(&mu_);
      watcher_ = handle;
    }
    ReadPage();
  }

  // ReadPage (on a worker) reads the next page up to the tail's head.
  void ReadPage() {
    domain::FeedPosition from;
    domain::FeedFilter filter;
    {
      absl::MutexLock lock(&mu_);
      from = position_;
      filter = filter_;
    }
    absl::StatusOr<domain::FeedPage> page = service_->feed_->Read(
        from, filter, service_->options_.page_size, /*advance=*/false, StepDeadline());
    if (!page.ok()) {
      EndStep(absl::IsDeadlineExceeded(page.status()) || absl::IsAborted(page.status()) ||
                      absl::IsUnavailable(page.status())
                  ? Resumable("CHANGE_LOG_UNAVAILABLE",
                              "reading the change log failed; resume from the last token")
                  : page.status());
      return;
    }
    std::optional<absl::Status> deferred;
    {
      absl::MutexLock lock(&mu_);
      reading_ = false;
      for (v1::Change& change : page->changes) {
        v1::WatchChangesResponse message;
        *message.mutable_change() = std::move(change);
        pending_.push_back(std::move(message));
      }
      position_ = page->position;
      more_ = page->more;
      deferred = std::move(deferred_end_);
    }
    if (deferred.has_value()) {
      End(*deferred);
      return;
    }
    Pump();
  }

  // Pump starts the next write, or the next read, or leaves the stream
  // waiting for the poller.
  void Pump() {
    bool read = false;
    {
      absl::MutexLock lock(&mu_);
      if (ended_ || writing_ || reading_) return;
      if (!pending_.empty()) {
        out_ = std::move(pending_.front());
        pending_.pop_front();
        writing_ = true;
        write_start_ = absl::Now();
        StartWrite(&out_);
        return;
      }
      if (more_ || head_ > position_.sequence) {
        reading_ = true;
        more_ = false;
        read = true;
      }
    }
    if (read && !service_->dispatcher_->pool()->Submit([this]() { ReadPage(); })) EndStep(Busy());
  }

  // OnPoll is the poller's callback (its thread; must not block).
  void OnPoll(ChangePoller::Event event, int64_t head) {
    if (event == ChangePoller::Event::kClosing) {
      End(Closing());
      return;
    }
    const absl::Time now = absl::Now();
    bool stalled = false;
    {
      absl::MutexLock lock(&mu_);
      if (ended_) return;
      head_ = std::max(head_, head);
      if (event == ChangePoller::Event::kTick) {
        if (writing_ && now - write_start_ >= service_->options_.stall_timeout) {
          stalled = true;
        } else if (!writing_ && !reading_ && pending_.empty() &&
                   now - last_sent_ >= service_->options_.heartbeat) {
          v1::WatchChangesResponse message;
          v1::ChangeHeartbeat* heartbeat = message.mutable_heartbeat();
          *heartbeat->mutable_time() = domain::ToProtoTime(now);
          // Caught up to position_: resuming there delivers what comes next.
          domain::FeedPosition at = position_;
          at.time = std::max(at.time, service_->feed_->Now());
          heartbeat->set_resume_token(domain::EncodeResumeToken(at));
          pending_.push_back(std::move(message));
        }
      }
    }
    if (stalled) {
      End(Resumable("CONSUMER_TOO_SLOW",
                    absl::StrCat("the client took no message for ",
                                 absl::FormatDuration(service_->options_.stall_timeout),
                                 "; resume from the last token received")));
      return;
    }
    Pump();
  }

  absl::Time StepDeadline() const {
    absl::Time deadline = absl::Now() + kStepTime;
    std::chrono::system_clock::time_point client = ctx_->deadline();
    if (client != std::chrono::system_clock::time_point::max()) {
      deadline = std::min(deadline, absl::FromChrono(client));
    }
    return deadline;
  }

  static absl::Status Resumable(absl::string_view reason, absl::string_view message) {
    return domain::MakeError(absl::StatusCode::kUnavailable, reason, message);
  }
  static absl::Status Closing() {
    return Resumable("SERVER_SHUTTING_DOWN",
                     "the server is shutting down; resume from the last token on another");
  }
  static absl::Status Busy() {
    return Resumable("SERVER_BUSY", "too many calls are waiting; resume from the last token");
  }

  // End logs the call and finishes it once. While a step runs on a worker
  // (reading_), the end waits for it, so that the reactor is never deleted
  // under a running step.
  void End(const absl::Status& status) {
    {
      absl::MutexLock lock(&mu_);
      if (ended_) return;
      if (reading_) {
        if (!deferred_end_.has_value()) deferred_end_ = status;
        return;
      }
      ended_ = true;
    }
    service_->dispatcher_->EndStream(call_, status);
    Finish(ToGrpcStatus(status));
  }

  // EndStep ends the call from the step that is running.
  void EndStep(const absl::Status& status) {
    {
      absl::MutexLock lock(&mu_);
      reading_ = false;
      deferred_end_.reset();
    }
    End(status);
  }

  ChangeService* const service_;
  grpc::CallbackServerContext* const ctx_;
  const v1::WatchChangesRequest request_;
  CallDispatcher::Call call_;
  // The message being written; StartWrite needs it to stay.
  v1::WatchChangesResponse out_;
  absl::Mutex mu_;
  ChangePoller::Handle watcher_ ABSL_GUARDED_BY(mu_) = 0;
  domain::FeedFilter filter_ ABSL_GUARDED_BY(mu_);
  // What was read so far: changes up to it are sent or pending.
  domain::FeedPosition position_ ABSL_GUARDED_BY(mu_);
  std::deque<v1::WatchChangesResponse> pending_ ABSL_GUARDED_BY(mu_);
  int64_t head_ ABSL_GUARDED_BY(mu_) = -1;
  bool more_ ABSL_GUARDED_BY(mu_) = false;
  bool reading_ ABSL_GUARDED_BY(mu_) = false;
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  bool ended_ ABSL_GUARDED_BY(mu_) = false;
  // An end asked for while a step ran, for the step to carry out.
  std::optional<absl::Status> deferred_end_ ABSL_GUARDED_BY(mu_);
  absl::Time write_start_ ABSL_GUARDED_BY(mu_);
  absl::Time last_sent_ ABSL_GUARDED_BY(mu_);
};

ChangeService::ChangeService(domain::ChangeFeed* feed, ChangePoller* poller,
                             CallDispatcher* dispatcher, WatchOptions options)
    : feed_(feed), poller_(poller), dispatcher_(dispatcher), options_(options) {}

grpc::ServerWriteReactor<v1::WatchChangesResponse>* ChangeService::WatchChanges(
    grpc::CallbackServerContext* ctx, const v1::WatchChangesRequest* request) {
  return new WatchReactor(this, ctx, request);
}

grpc::ServerUnaryReactor* ChangeService::ListChanges(grpc::CallbackServerContext* ctx,
                                                     const v1::ListChangesRequest* request,
                                                     v1::ListChangesResponse* response) {
  return dispatcher_->Dispatch<v1::ListChangesResponse>(
      ctx, FullMethod("ListChanges"), *request, "", response,
      [this,
       request](const domain::CallContext& context) -> absl::StatusOr<v1::ListChangesResponse> {
        if (absl::Status s = auth::CheckOwnProfile(context, request->profile()); !s.ok()) return s;
        if (context.IsSelfService() && request->profile().empty()) {
          return auth::CheckOwnProfile(context, "profiles/-");
        }
        return feed_->ListChanges(*request, context);
      });
}

}  // namespace cp::server

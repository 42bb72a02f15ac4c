#include "client/change_client.h"

#include <grpcpp/grpcpp.h>

#include <utility>

#include "client/channel.h"
#include "client/error_details.h"
#include "client/stub_call.h"

namespace cp::client {

namespace v1 = ::customerprofile::v1;

ChangeStream::ChangeStream(std::shared_ptr<v1::ChangeService::StubInterface> stub, Options options,
                           v1::WatchChangesRequest request, Sleeper sleep)
    : stub_(std::move(stub)),
      options_(std::move(options)),
      request_(std::move(request)),
      sleep_(std::move(sleep)) {
  token_ = request_.resume_token();
}

ChangeStream::~ChangeStream() {
  Cancel();
  if (reader_ != nullptr) {
    v1::WatchChangesResponse message;
    while (reader_->Read(&message)) {
    }
    reader_->Finish().IgnoreError();
  }
}

std::string ChangeStream::resume_token() const {
  absl::MutexLock lock(&mu_);
  return token_;
}

absl::Status ChangeStream::status() const {
  absl::MutexLock lock(&mu_);
  return status_;
}

int ChangeStream::reconnects() const {
  absl::MutexLock lock(&mu_);
  return reconnects_;
}

void ChangeStream::Cancel() {
  absl::MutexLock lock(&mu_);
  cancelled_ = true;
  if (context_ != nullptr) context_->TryCancel();
}

bool ChangeStream::Open() {
  absl::MutexLock lock(&mu_);
  if (cancelled_) return false;
  v1::WatchChangesRequest request = request_;
  if (!token_.empty()) {
    request.clear_start_time();
    request.set_resume_token(token_);
  }
  context_ = std::make_unique<grpc::ClientContext>();
  for (const auto& [key, value] : options_.metadata) context_->AddMetadata(key, value);
  reader_ = stub_->WatchChanges(context_.get(), request);
  return true;
}

std::optional<v1::Change> ChangeStream::Next() {
  {
    absl::MutexLock lock(&mu_);
    if (!status_.ok()) return std::nullopt;
  }
  ExponentialBackoff backoff(options_.retry);
  int failures = 0;
  while (true) {
    if (reader_ == nullptr && !Open()) {
      absl::MutexLock lock(&mu_);
      status_ = absl::CancelledError("the watch was cancelled");
      return std::nullopt;
    }
    v1::WatchChangesResponse message;
    while (reader_->Read(&message)) {
      absl::MutexLock lock(&mu_);
      if (message.has_heartbeat()) {
        token_ = message.heartbeat().resume_token();
        continue;
      }
      token_ = message.change().resume_token();
      return message.change();
    }
    absl::Status ended = FromGrpcStatus(reader_->Finish());
    reader_.reset();
    {
      absl::MutexLock lock(&mu_);
      if (cancelled_) {
        status_ = absl::CancelledError("the watch was cancelled");
        return std::nullopt;
      }
      // A stream that broke before it gave a position cannot resume exactly.
      if (!IsTransient(ended) || token_.empty() ||
          (options_.retry.max_attempts > 0 && ++failures >= options_.retry.max_attempts * 4)) {
        status_ = ended.ok() ? absl::UnavailableError("the server ended the watch") : ended;
        return std::nullopt;
      }
      ++reconnects_;
    }
    sleep_(backoff.NextDelay());
  }
}

ChangeClient::ChangeClient(Options options)
    : ChangeClient(v1::ChangeService::NewStub(MakeChannel(options)), options) {}

ChangeClient::ChangeClient(std::shared_ptr<v1::ChangeService::StubInterface> stub, Options options,
                           Sleeper sleep)
    : stub_(std::move(stub)), options_(std::move(options)), sleep_(std::move(sleep)) {}

absl::StatusOr<v1::ListChangesResponse> ChangeClient::ListChanges(
    const v1::ListChangesRequest& request) {
  return CallStub(*stub_, &v1::ChangeService::StubInterface::ListChanges, request,
                  Idempotency::kIdempotent, options_, sleep_);
}

std::unique_ptr<ChangeStream> ChangeClient::WatchChanges(v1::WatchChangesRequest request) {
  if (request.resume_token().empty() && !request.has_start_time()) {
    // "Now" as a token, so that a break before the first message resumes
    // exactly; without one the server's "now" is used.
    v1::ListChangesRequest now;
    now.set_page_size(1);
    *now.mutable_resource_types() = request.resource_types();
    now.set_profile(request.profile());
    absl::StatusOr<v1::ListChangesResponse> position = ListChanges(now);
    if (position.ok()) request.set_resume_token(position->resume_token());
  }
  return std::make_unique<ChangeStream>(stub_, options_, std::move(request), sleep_);
}

}  // namespace cp::client

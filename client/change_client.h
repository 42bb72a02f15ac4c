#pragma once

#include <cstddef>
#include <iterator>
#include <memory>
#include <optional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "client/options.h"
#include "client/retry_policy.h"
#include "customerprofile/v1/change_service.grpc.pb.h"

namespace cp::client {

// ChangeStream is what ChangeClient::WatchChanges returns: the changes of the
// feed, one at a time, for as long as the caller reads. When the stream
// breaks with UNAVAILABLE (the server restarted or shut down, the network
// dropped, the server found the reader too slow) it opens a new one from the
// last token it handed out, with backoff, so that the caller sees every
// change exactly once and in order across the break. Any other failure ends
// it (FAILED_PRECONDITION RESUME_TOKEN_EXPIRED: the caller must read the
// current state again). Heartbeats move resume_token() without being
// returned. Next is for one thread; Cancel may come from any.
//
//   ChangeClient changes(options);
//   ChangeStream stream = changes.WatchChanges({});
//   while (auto change = stream.Next()) { Apply(*change); Save(stream.resume_token()); }
//   if (!stream.status().ok()) ...;
class ChangeStream {
 public:
  ChangeStream(std::shared_ptr<customerprofile::v1::ChangeService::StubInterface> stub,
               Options options, customerprofile::v1::WatchChangesRequest request, Sleeper sleep);
  ~ChangeStream();
  ChangeStream(ChangeStream&&) = delete;
  ChangeStream& operator=(ChangeStream&&) = delete;

  // Next blocks for the next change; nullopt once the stream ended for good
  // (status() says why: CANCELLED after Cancel).
  std::optional<customerprofile::v1::Change> Next();

  // resume_token is where a new watch should start to go on exactly after
  // what Next returned so far (empty until the first change or heartbeat
  // when the stream started "now" and the start position could not be
  // read).
  std::string resume_token() const;

  // status is OK while the stream goes on, else why it ended.
  absl::Status status() const;

  // reconnects counts the streams opened after a break.
  int reconnects() const;

  // Cancel ends the stream; a blocked Next returns nullopt.
  void Cancel();

  // Iterator makes the stream a range of the changes Next returns:
  //   for (const customerprofile::v1::Change& change : *stream) { ... }
  // The range ends where Next returns nullopt (see status()).
  class Iterator {
   public:
    using iterator_category = std::input_iterator_tag;
    using value_type = customerprofile::v1::Change;
    using difference_type = std::ptrdiff_t;
    using pointer = const value_type*;
    using reference = const value_type&;

    Iterator() = default;
    explicit Iterator(ChangeStream* stream) : stream_(stream) { ++*this; }
    reference operator*() const { return *current_; }
    pointer operator->() const { return &*current_; }
    Iterator& operator++() {
      current_ = stream_->Next();
      if (!current_.has_value()) stream_ = nullptr;
      return *this;
    }
    bool operator==(const Iterator& other) const { return stream_ == other.stream_; }

   private:
    ChangeStream* stream_ = nullptr;
    std::optional<customerprofile::v1::Change> current_;
  };
  Iterator begin() { return Iterator(this); }
  Iterator end() { return Iterator(); }

 private:
  // Open starts a stream from the current token; false when cancelled.
  bool Open();

  std::shared_ptr<customerprofile::v1::ChangeService::StubInterface> stub_;
  const Options options_;
  customerprofile::v1::WatchChangesRequest request_;
  Sleeper sleep_;
  mutable absl::Mutex mu_;
  std::unique_ptr<grpc::ClientContext> context_ ABSL_GUARDED_BY(mu_);
  std::unique_ptr<grpc::ClientReaderInterface<customerprofile::v1::WatchChangesResponse>> reader_;
  std::string token_ ABSL_GUARDED_BY(mu_);
  absl::Status status_ ABSL_GUARDED_BY(mu_);
  bool cancelled_ ABSL_GUARDED_BY(mu_) = false;
  int reconnects_ ABSL_GUARDED_BY(mu_) = 0;
};

// ChangeClient is the C++ API of the change feed (ChangeService).
class ChangeClient {
 public:
  explicit ChangeClient(Options options);
  // `sleep` waits between attempts; tests pass one that only records.
  ChangeClient(std::shared_ptr<customerprofile::v1::ChangeService::StubInterface> stub,
               Options options, Sleeper sleep = absl::SleepFor);

  // WatchChanges opens a resuming stream (see ChangeStream). A request with
  // neither resume_token nor start_time starts "now": the client first asks
  // ListChanges for the position of now, so that even a break before the
  // first message resumes exactly.
  std::unique_ptr<ChangeStream> WatchChanges(customerprofile::v1::WatchChangesRequest request);

  // ListChanges returns one page of the feed (retried after UNAVAILABLE: it
  // changes nothing).
  absl::StatusOr<customerprofile::v1::ListChangesResponse> ListChanges(
      const customerprofile::v1::ListChangesRequest& request);

 private:
  std::shared_ptr<customerprofile::v1::ChangeService::StubInterface> stub_;
  Options options_;
  Sleeper sleep_;
};

}  // namespace cp::client

#pragma once

#include <grpcpp/grpcpp.h>

#include "absl/time/time.h"
#include "customerprofile/v1/change_service.grpc.pb.h"
#include "domain/change/change_feed.h"
#include "server/call_dispatcher.h"
#include "server/change_poller.h"

namespace cp::server {

// WatchOptions bounds a WatchChanges stream.
struct WatchOptions {
  // A quiet stream gets a heartbeat this often (--watch-heartbeat).
  absl::Duration heartbeat = absl::Seconds(15);
  // A stream whose client has not taken a message for this long ends with
  // UNAVAILABLE CONSUMER_TOO_SLOW (resume from the last token): the server
  // holds at most one page per stream, never more (--watch-stall-timeout).
  absl::Duration stall_timeout = absl::Seconds(60);
  // Changes read from the database at once per stream.
  int page_size = 256;
};

// ChangeService is the gRPC face of domain::ChangeFeed. ListChanges is a
// unary call through the dispatcher; WatchChanges is a server stream with
// its own reactor: it reads pages of the feed on the worker pool, writes one
// message at a time (gRPC flow control paces it to the client), waits on
// the ChangePoller when it has caught up, and sends heartbeats. It is not
// bound by --max-call-time (only by the client's deadline) and ends,
// resumably, when the server shuts down. A self-service caller may watch
// only its own profile.
class ChangeService final : public customerprofile::v1::ChangeService::CallbackService {
 public:
  // All of `feed`, `poller` and `dispatcher` must outlive it.
  ChangeService(domain::ChangeFeed* feed, ChangePoller* poller, CallDispatcher* dispatcher,
                WatchOptions options = {});

  grpc::ServerWriteReactor<customerprofile::v1::WatchChangesResponse>* WatchChanges(
      grpc::CallbackServerContext* ctx,
      const customerprofile::v1::WatchChangesRequest* request) override;
  grpc::ServerUnaryReactor* ListChanges(
      grpc::CallbackServerContext* ctx, const customerprofile::v1::ListChangesRequest* request,
      customerprofile::v1::ListChangesResponse* response) override;

 private:
  class WatchReactor;

  domain::ChangeFeed* const feed_;
  ChangePoller* const poller_;
  CallDispatcher* const dispatcher_;
  const WatchOptions options_;
};

}  // namespace cp::server

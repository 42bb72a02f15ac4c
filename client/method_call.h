#pragma once

#include <grpcpp/channel.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "client/options.h"
#include "client/retry_policy.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"

namespace cp::client {

// ApiServiceNames are the full names of the API's services
// ("customerprofile.v1.ProfileService", ...), in the order the docs list
// them. A service added to the server is added here too (the CLI test
// compares this list with what the server's reflection lists).
const std::vector<std::string>& ApiServiceNames();

// ApiMethods returns every method of every API service, service by
// service in proto order.
std::vector<const google::protobuf::MethodDescriptor*> ApiMethods();

// CommandName is a method's name as a CLI command: "RecordConsent" is
// "record-consent".
std::string CommandName(const google::protobuf::MethodDescriptor& method);

// FindApiMethod finds a method by its command name ("record-consent"), by
// its name ("RecordConsent"), by "Service/Method" or "Service.Method" (with
// or without the package), or by its full name; null when there is none.
const google::protobuf::MethodDescriptor* FindApiMethod(absl::string_view name);

// MethodIdempotency says whether `request` of `method` may be retried: a
// read (Get*, List*, Lookup*, Check*, Find*, BatchGet*, BatchCheck*) always
// may, a write when it carries a request_id (the server replays it).
Idempotency MethodIdempotency(const google::protobuf::MethodDescriptor& method,
                              const google::protobuf::Message& request);

// NewRequest returns an empty request message of `method`.
std::unique_ptr<google::protobuf::Message> NewRequest(
    const google::protobuf::MethodDescriptor& method);

// MethodCaller calls any API method with requests built at run time (from
// JSON, say), over the connection options every client uses: the deadline
// options.timeout, options.metadata on every attempt, and retries of
// UNAVAILABLE for a unary call that MethodIdempotency allows. Streams are
// not retried. Thread-compatible.
class MethodCaller {
 public:
  explicit MethodCaller(Options options);

  // Call sends `requests` (exactly one unless the method takes a client
  // stream) and hands every response to `on_response`, which returns false
  // to stop reading (the call is then cancelled and ends OK). Returns the
  // call's status, with the server's error details.
  absl::Status Call(const google::protobuf::MethodDescriptor& method,
                    const std::vector<const google::protobuf::Message*>& requests,
                    absl::FunctionRef<bool(const google::protobuf::Message&)> on_response);

 private:
  // Attempt runs the call once; `responses` counts what it handed on.
  absl::Status Attempt(const google::protobuf::MethodDescriptor& method,
                       const std::vector<const google::protobuf::Message*>& requests,
                       absl::Time deadline,
                       absl::FunctionRef<bool(const google::protobuf::Message&)> on_response,
                       int* responses);

  const Options options_;
  std::shared_ptr<grpc::Channel> channel_;
};

}  // namespace cp::client

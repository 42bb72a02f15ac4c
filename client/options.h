#pragma once

#include <grpcpp/security/credentials.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "client/retry_policy.h"

namespace cp::client {

// Options configures a connection to the profile service.
struct Options {
  // The server's address, "host:port".
  std::string endpoint = "127.0.0.1:50051";
  // Channel credentials; null means an insecure (plaintext) channel.
  std::shared_ptr<grpc::ChannelCredentials> credentials;
  // Metadata sent with every call, such as {"authorization", "Bearer TOKEN"}
  // or {"x-actor", "support-agent-17"}. Keys are lowercase.
  std::vector<std::pair<std::string, std::string>> metadata;
  // How long one call may take, its retries and backoff included.
  absl::Duration timeout = absl::Seconds(30);
  // How failed calls are retried.
  RetryOptions retry;
};

}  // namespace cp::client

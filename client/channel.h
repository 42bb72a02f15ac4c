#pragma once

#include <grpcpp/channel.h>

#include <memory>

#include "client/options.h"

namespace cp::client {

// MakeChannel returns a channel to options.endpoint with options.credentials
// (an insecure, plaintext channel when they are null): the one way every
// client of this library connects.
std::shared_ptr<grpc::Channel> MakeChannel(const Options& options);

}  // namespace cp::client

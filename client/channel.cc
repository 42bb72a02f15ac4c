#include "client/channel.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

namespace cp::client {

std::shared_ptr<grpc::Channel> MakeChannel(const Options& options) {
  return grpc::CreateChannel(options.endpoint, options.credentials
                                                   ? options.credentials
                                                   : grpc::InsecureChannelCredentials());
}

}  // namespace cp::client

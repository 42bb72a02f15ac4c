#include "server/auth/metadata.h"

namespace cp::server::auth {

std::string Metadata(const grpc::ServerContextBase& ctx, absl::string_view key) {
  const auto& metadata = ctx.client_metadata();
  auto it = metadata.find(grpc::string_ref(key.data(), key.size()));
  if (it == metadata.end()) return "";
  return std::string(it->second.data(), it->second.size());
}

}  // namespace cp::server::auth

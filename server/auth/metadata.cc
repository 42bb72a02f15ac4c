#include "server/auth/metadata.h"

#include <cstdint>

#include "absl/strings/cord.h"
#include "domain/common/errors.h"
#include "google/protobuf/duration.pb.h"
#include "google/rpc/error_details.pb.h"

namespace cp::server::auth {

std::string Metadata(const grpc::ServerContextBase& ctx, absl::string_view key) {
  const auto& metadata = ctx.client_metadata();
  auto it = metadata.find(grpc::string_ref(key.data(), key.size()));
  if (it == metadata.end()) return "";
  return std::string(it->second.data(), it->second.size());
}

absl::Status WithRetryInfo(absl::Status status, absl::Duration delay) {
  google::rpc::RetryInfo retry;
  retry.mutable_retry_delay()->set_seconds(absl::ToInt64Seconds(delay));
  retry.mutable_retry_delay()->set_nanos(
      static_cast<int32_t>(absl::ToInt64Nanoseconds(delay % absl::Seconds(1))));
  status.SetPayload(domain::kRetryInfoTypeUrl, absl::Cord(retry.SerializeAsString()));
  return status;
}

}  // namespace cp::server::auth

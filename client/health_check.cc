#include "client/health_check.h"

#include <grpcpp/grpcpp.h>

#include "absl/time/clock.h"
#include "client/channel.h"
#include "client/error_details.h"
#include "grpc/health/v1/health.grpc.pb.h"

namespace cp::client {

absl::StatusOr<grpc::health::v1::HealthCheckResponse::ServingStatus> CheckHealth(
    const Options& options, absl::string_view service) {
  auto stub = grpc::health::v1::Health::NewStub(MakeChannel(options));
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + options.timeout));
  for (const auto& [key, value] : options.metadata) context.AddMetadata(key, value);
  grpc::health::v1::HealthCheckRequest request;
  request.set_service(std::string(service));
  grpc::health::v1::HealthCheckResponse response;
  grpc::Status status = stub->Check(&context, request, &response);
  if (!status.ok()) return FromGrpcStatus(status);
  return response.status();
}

}  // namespace cp::client

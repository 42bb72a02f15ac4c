#include "server/auth/reflection_gate.h"

#include <grpc/grpc.h>
#include <grpcpp/server_context.h>

#include <string>
#include <utility>

#include "absl/strings/match.h"

namespace cp::server::auth {
namespace {

constexpr char kReason[] = "REFLECTION_DISABLED";
constexpr char kMessage[] =
    "server reflection is switched off on this server (reflection: false in the auth config)";

// ReflectionRefusal cancels one reflection call with PERMISSION_DENIED when
// its initial metadata has arrived, before the handler reads a request.
class ReflectionRefusal final : public grpc::experimental::Interceptor {
 public:
  ReflectionRefusal(grpc::experimental::ServerRpcInfo* info, JsonLog* log)
      : info_(info), log_(log) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            grpc::experimental::InterceptionHookPoints::POST_RECV_INITIAL_METADATA)) {
      // The status goes out in the trailers of the cancelled stream.
      grpc_call_cancel_with_status(info_->server_context()->c_call(), GRPC_STATUS_PERMISSION_DENIED,
                                   kMessage, nullptr);
      log_->Event(LogLevel::kWarn, "access_denied",
                  {{"app_id", "-"}, {"method", info_->method()}, {"reason", kReason}});
    }
    methods->Proceed();
  }

 private:
  grpc::experimental::ServerRpcInfo* const info_;
  JsonLog* const log_;
};

}  // namespace

bool IsReflectionMethod(absl::string_view full_method) {
  return absl::StartsWith(full_method, "/grpc.reflection.");
}

ReflectionGateFactory::ReflectionGateFactory(std::shared_ptr<AccessControl> access, JsonLog* log)
    : access_(std::move(access)), log_(log) {}

grpc::experimental::Interceptor* ReflectionGateFactory::CreateServerInterceptor(
    grpc::experimental::ServerRpcInfo* info) {
  if (info->method() == nullptr || !IsReflectionMethod(info->method()) ||
      access_->reflection_allowed()) {
    return nullptr;
  }
  // gRPC takes ownership of the interceptor and deletes it with the call.
  return std::make_unique<ReflectionRefusal>(info, log_).release();
}

}  // namespace cp::server::auth

#pragma once

#include <grpcpp/support/server_interceptor.h>

#include <memory>

#include "absl/strings/string_view.h"
#include "server/auth/access_control.h"
#include "server/json_log.h"

namespace cp::server::auth {

// IsReflectionMethod tells whether `full_method` (e.g.
// "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo") belongs
// to gRPC server reflection, of any version.
bool IsReflectionMethod(absl::string_view full_method);

// ReflectionGateFactory keeps server reflection registered but lets a call
// reach it only while AccessControl::reflection_allowed() says so, which
// follows the auth config's `reflection` setting across SIGHUP reloads.
//
// gRPC registers reflection (a synchronous service inside
// libgrpc++_reflection) once, when the server is built, and its C++ server
// interceptors cannot answer a call themselves. So for a reflection call
// made while reflection is switched off, the interceptor cancels the call
// with PERMISSION_DENIED (reason REFLECTION_DISABLED in the message, logged
// as access_denied) as soon as its metadata arrived: the reflection handler
// then sees no request and sends nothing. Calls of other methods get no
// interceptor at all.
class ReflectionGateFactory final : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  // ReflectionGateFactory asks `access` (shared with the server) and logs
  // refusals to `log`, which must outlive the server.
  ReflectionGateFactory(std::shared_ptr<AccessControl> access, JsonLog* log);

  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override;

 private:
  const std::shared_ptr<AccessControl> access_;
  JsonLog* const log_;
};

}  // namespace cp::server::auth

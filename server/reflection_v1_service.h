#pragma once

#include <grpcpp/grpcpp.h>

#include <string>
#include <vector>

#include "grpc/reflection/v1/reflection.grpc.pb.h"

namespace cp::server {

// ReflectionV1Service serves grpc.reflection.v1.ServerReflection, the
// version newer clients (grpcurl, Node, buf curl by default) ask for first.
// gRPC 1.51 ships only grpc.reflection.v1alpha (kept, beside it): this
// answers the same questions from the same descriptor pool (the generated
// one, which describes every service of the binary): list_services,
// file_by_filename, file_containing_symbol, file_containing_extension and
// all_extension_numbers_of_type. Each file comes with the files it imports,
// each sent once per stream; an unknown name is an error_response with
// NOT_FOUND, as gRPC's own implementation answers.
class ReflectionV1Service final : public grpc::reflection::v1::ServerReflection::Service {
 public:
  // `services` are the full names list_services answers.
  explicit ReflectionV1Service(std::vector<std::string> services);

  grpc::Status ServerReflectionInfo(
      grpc::ServerContext* context,
      grpc::ServerReaderWriter<grpc::reflection::v1::ServerReflectionResponse,
                               grpc::reflection::v1::ServerReflectionRequest>* stream) override;

 private:
  const std::vector<std::string> services_;
};

}  // namespace cp::server

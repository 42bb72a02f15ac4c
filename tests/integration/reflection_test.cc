#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/descriptor.pb.h"
#include "google/protobuf/message.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "gtest/gtest.h"
#include "tests/support/test_server.h"

namespace cp::testing {
namespace {

using ::google::protobuf::Descriptor;
using ::google::protobuf::DescriptorPool;
using ::google::protobuf::FieldDescriptor;
using ::google::protobuf::Message;
using ::google::protobuf::MessageFactory;
using ::testing::Contains;

// NewMessage returns an empty message of the generated type `full_name`.
// The reflection protos' C++ ships inside libgrpc++_reflection without
// headers, so the test reaches them through the generated descriptor pool.
std::unique_ptr<Message> NewMessage(const std::string& full_name) {
  const Descriptor* descriptor = DescriptorPool::generated_pool()->FindMessageTypeByName(full_name);
  if (descriptor == nullptr) return nullptr;
  return std::unique_ptr<Message>(
      MessageFactory::generated_factory()->GetPrototype(descriptor)->New());
}

// Await waits for the completion queue to deliver `tag`; false on failure.
bool Await(grpc::CompletionQueue& cq, void* tag) {
  void* got = nullptr;
  bool ok = false;
  return cq.Next(&got, &ok) && ok && got == tag;
}

// AskReflection sends one ServerReflectionRequest of grpc.reflection.
// `version` (v1alpha or v1) with string field `field` set to `value` and
// returns the server's response.
std::unique_ptr<Message> AskReflection(const std::shared_ptr<grpc::Channel>& channel,
                                       const std::string& version, const std::string& field,
                                       const std::string& value) {
  const std::string package = "grpc.reflection." + version;
  std::unique_ptr<Message> request = NewMessage(package + ".ServerReflectionRequest");
  std::unique_ptr<Message> response = NewMessage(package + ".ServerReflectionResponse");
  if (request == nullptr || response == nullptr) {
    ADD_FAILURE() << "reflection descriptors are not linked";
    return nullptr;
  }
  request->GetReflection()->SetString(request.get(),
                                      request->GetDescriptor()->FindFieldByName(field), value);
  std::string bytes = request->SerializeAsString();
  grpc::Slice slice(bytes);
  grpc::ByteBuffer out(&slice, 1);

  grpc::GenericStub stub(channel);
  grpc::CompletionQueue cq;
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  std::unique_ptr<grpc::GenericClientAsyncReaderWriter> call =
      stub.PrepareCall(&context, "/" + package + ".ServerReflection/ServerReflectionInfo", &cq);
  int tags[5];
  call->StartCall(&tags[0]);
  EXPECT_TRUE(Await(cq, &tags[0]));
  call->Write(out, &tags[1]);
  EXPECT_TRUE(Await(cq, &tags[1]));
  grpc::ByteBuffer in;
  call->Read(&in, &tags[2]);
  EXPECT_TRUE(Await(cq, &tags[2]));
  call->WritesDone(&tags[3]);
  EXPECT_TRUE(Await(cq, &tags[3]));
  grpc::Status status;
  call->Finish(&status, &tags[4]);
  EXPECT_TRUE(Await(cq, &tags[4]));
  EXPECT_TRUE(status.ok()) << status.error_message();
  cq.Shutdown();
  void* ignored_tag;
  bool ignored_ok;
  while (cq.Next(&ignored_tag, &ignored_ok)) {
  }

  std::vector<grpc::Slice> slices;
  EXPECT_TRUE(in.Dump(&slices).ok());
  std::string received;
  for (const grpc::Slice& s : slices)
    received.append(reinterpret_cast<const char*>(s.begin()), s.size());
  EXPECT_TRUE(response->ParseFromString(received));
  return response;
}

// SubMessage returns the message field `name` of `message`.
const Message& SubMessage(const Message& message, const std::string& name) {
  return message.GetReflection()->GetMessage(message,
                                             message.GetDescriptor()->FindFieldByName(name));
}

// Every test runs on both versions of reflection: gRPC's own v1alpha and
// the v1 that server/reflection_v1_service.h serves.
class ReflectionTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<TestServer>> server = TestServer::StartWithSqlite();
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
  }

  // FileContaining returns the FileDescriptorProtos reflection gives for
  // `symbol`.
  std::vector<google::protobuf::FileDescriptorProto> FileContaining(const std::string& symbol) {
    std::unique_ptr<Message> response =
        AskReflection(server_->NewChannel(), GetParam(), "file_containing_symbol", symbol);
    std::vector<google::protobuf::FileDescriptorProto> files;
    if (response == nullptr) return files;
    const Message& file_response = SubMessage(*response, "file_descriptor_response");
    const FieldDescriptor* protos =
        file_response.GetDescriptor()->FindFieldByName("file_descriptor_proto");
    for (int i = 0; i < file_response.GetReflection()->FieldSize(file_response, protos); ++i) {
      google::protobuf::FileDescriptorProto file;
      EXPECT_TRUE(file.ParseFromString(
          file_response.GetReflection()->GetRepeatedString(file_response, protos, i)));
      files.push_back(std::move(file));
    }
    return files;
  }

  std::unique_ptr<TestServer> server_;
};

// Verifies that reflection lists ProfileService, the health service and
// reflection itself.
TEST_P(ReflectionTest, ListsServices) {
  std::unique_ptr<Message> response =
      AskReflection(server_->NewChannel(), GetParam(), "list_services", "*");
  ASSERT_NE(response, nullptr);
  const Message& list = SubMessage(*response, "list_services_response");
  const FieldDescriptor* service_field = list.GetDescriptor()->FindFieldByName("service");
  std::set<std::string> services;
  for (int i = 0; i < list.GetReflection()->FieldSize(list, service_field); ++i) {
    const Message& service = list.GetReflection()->GetRepeatedMessage(list, service_field, i);
    services.insert(service.GetReflection()->GetString(
        service, service.GetDescriptor()->FindFieldByName("name")));
  }
  EXPECT_THAT(services, Contains("customerprofile.v1.ProfileService"));
  EXPECT_THAT(services, Contains("grpc.health.v1.Health"));
  EXPECT_THAT(services, Contains("customerprofile.v1.InteractionService"));
  EXPECT_THAT(services, Contains("customerprofile.v1.ChangeService"));
  EXPECT_THAT(services, Contains("customerprofile.v1.AuditService"));
  EXPECT_THAT(services, Contains("grpc.reflection.v1alpha.ServerReflection"));
  EXPECT_THAT(services, Contains("grpc.reflection.v1.ServerReflection"));
}

// Verifies that a file comes with the files it imports, and that an unknown
// symbol is an error_response with NOT_FOUND.
TEST_P(ReflectionTest, SendsImportsAndAnswersUnknownNames) {
  std::vector<google::protobuf::FileDescriptorProto> files =
      FileContaining("customerprofile.v1.InteractionService");
  std::set<std::string> names;
  for (const auto& file : files) names.insert(file.name());
  EXPECT_THAT(names, Contains("customerprofile/v1/interaction_service.proto"));
  EXPECT_THAT(names, Contains("customerprofile/v1/interaction.proto"));
  EXPECT_THAT(names, Contains("google/protobuf/timestamp.proto"));

  std::unique_ptr<Message> response =
      AskReflection(server_->NewChannel(), GetParam(), "file_containing_symbol", "no.Such");
  ASSERT_NE(response, nullptr);
  const Message& error = SubMessage(*response, "error_response");
  EXPECT_EQ(
      error.GetReflection()->GetInt32(error, error.GetDescriptor()->FindFieldByName("error_code")),
      static_cast<int>(grpc::StatusCode::NOT_FOUND));
}

// Verifies that reflection can describe grpc.health.v1.Health (gRPC's
// built-in health service has no descriptor unless the server links one).
TEST_P(ReflectionTest, DescribesHealthService) {
  std::vector<google::protobuf::FileDescriptorProto> files =
      FileContaining("grpc.health.v1.Health");
  ASSERT_FALSE(files.empty());
  EXPECT_EQ(files[0].name(), "grpc/health/v1/health.proto");
  ASSERT_EQ(files[0].service_size(), 1);
  EXPECT_EQ(files[0].service(0).name(), "Health");
}

// Verifies that reflection describes ProfileService with all its methods.
TEST_P(ReflectionTest, DescribesProfileService) {
  std::vector<google::protobuf::FileDescriptorProto> files =
      FileContaining("customerprofile.v1.ProfileService");
  ASSERT_FALSE(files.empty());
  EXPECT_EQ(files[0].name(), "customerprofile/v1/profile_service.proto");
  ASSERT_EQ(files[0].service_size(), 1);
  std::set<std::string> methods;
  for (const auto& method : files[0].service(0).method()) methods.insert(method.name());
  EXPECT_EQ(methods,
            (std::set<std::string>{"CreateProfile", "GetProfile", "UpdateProfile", "DeleteProfile",
                                   "UndeleteProfile", "ListProfiles", "BatchGetProfiles",
                                   "LookupProfiles", "FindDuplicates", "MergeProfiles",
                                   "UnmergeProfile", "GetMerge", "ListMerges"}));
}

// Verifies that health answers SERVING for the server and for
// ProfileService once the server is ready.
TEST_P(ReflectionTest, HealthIsServing) {
  auto stub = grpc::health::v1::Health::NewStub(server_->NewChannel());
  for (const std::string service : {"", "customerprofile.v1.ProfileService"}) {
    grpc::ClientContext context;
    grpc::health::v1::HealthCheckRequest request;
    request.set_service(service);
    grpc::health::v1::HealthCheckResponse response;
    grpc::Status status = stub->Check(&context, request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(response.status(), grpc::health::v1::HealthCheckResponse::SERVING) << service;
  }
}

INSTANTIATE_TEST_SUITE_P(Versions, ReflectionTest, ::testing::Values("v1alpha", "v1"),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           return info.param;
                         });

}  // namespace
}  // namespace cp::testing

#include "protos/runtime/tolerant_parse.h"

#include <gmock/gmock.h>
#include <google/protobuf/stubs/logging.h>
#include <google/protobuf/util/message_differencer.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/support/byte_buffer.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "absl/strings/str_join.h"
#include "customerprofile/v1/profile_service.grpc.pb.h"
#include "customerprofile/v1/profile_service.pb.h"

namespace cp::protos {
namespace {

using customerprofile::v1::CreateProfileRequest;
using customerprofile::v1::GetProfileRequest;
using customerprofile::v1::Profile;
using customerprofile::v1::ProfileService;
using google::protobuf::util::MessageDifferencer;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr char kInvalid[] = "Ada\xC3\x28";  // A lead byte followed by no continuation.

grpc::ByteBuffer ToBuffer(const std::string& bytes) {
  grpc::Slice slice(bytes);
  return grpc::ByteBuffer(&slice, 1);
}

// Deserialize runs the request traits the server's generated handlers use.
template <class T>
grpc::Status Deserialize(const std::string& bytes, T* request) {
  grpc::ByteBuffer buffer = ToBuffer(bytes);
  return grpc::SerializationTraits<T>::Deserialize(&buffer, request);
}

// TolerantParseTest keeps protobuf's complaints about the invalid UTF-8 the
// tests send out of the test log.
class TolerantParseTest : public ::testing::Test {
 private:
  google::protobuf::LogSilencer silencer_;
};

CreateProfileRequest ValidRequest() {
  CreateProfileRequest request;
  request.set_request_id("req-1");
  auto* profile = request.mutable_profile();
  profile->set_given_name("Åsa");
  profile->set_family_name("Nordmann 🙂");
  auto* home = profile->add_emails();
  home->set_address("asa@example.com");
  home->set_label(customerprofile::v1::EMAIL_LABEL_HOME);
  profile->add_emails()->set_address("work@example.com");
  profile->add_tags("vip");
  (*profile->mutable_attributes())["tier"].set_string_value("gold");
  return request;
}

// Verifies that invalid UTF-8 in given_name and an email address is emptied,
// both paths are reported, and the rest of the request is intact.
TEST_F(TolerantParseTest, ReportsInvalidStringsAndKeepsTheRest) {
  CreateProfileRequest sent = ValidRequest();
  sent.mutable_profile()->set_given_name(kInvalid);
  sent.mutable_profile()->mutable_emails(0)->set_address(kInvalid);

  CreateProfileRequest received;
  ASSERT_TRUE(Deserialize(sent.SerializeAsString(), &received).ok());

  EXPECT_THAT(InvalidUtf8Paths(received),
              ElementsAre("profile.given_name", "profile.emails[0].address"));
  EXPECT_THAT(TakeInvalidUtf8Paths(&received),
              ElementsAre("profile.given_name", "profile.emails[0].address"));
  CreateProfileRequest expected = sent;
  expected.mutable_profile()->clear_given_name();
  expected.mutable_profile()->mutable_emails(0)->clear_address();
  EXPECT_TRUE(MessageDifferencer::Equals(received, expected)) << received.DebugString();
  EXPECT_THAT(TakeInvalidUtf8Paths(&received), IsEmpty());
}

// Verifies that repeated strings and map keys and values are named by index
// and key.
TEST_F(TolerantParseTest, NamesRepeatedAndMapFields) {
  CreateProfileRequest sent = ValidRequest();
  sent.mutable_profile()->add_tags(kInvalid);
  (*sent.mutable_profile()->mutable_attributes())["tier"].set_string_value(kInvalid);
  (*sent.mutable_profile()->mutable_attributes())[kInvalid].set_int64_value(7);

  CreateProfileRequest received;
  ASSERT_TRUE(Deserialize(sent.SerializeAsString(), &received).ok());

  EXPECT_THAT(TakeInvalidUtf8Paths(&received),
              ::testing::UnorderedElementsAre("profile.tags[1]", "profile.attributes",
                                              "profile.attributes[\"tier\"].string_value"));
  EXPECT_THAT(received.profile().tags(), ElementsAre("vip", ""));
  EXPECT_EQ(received.profile().attributes().at("tier").string_value(), "");
  EXPECT_EQ(received.profile().attributes().at("").int64_value(), 7);
}

// Verifies that a valid request parses unchanged and reports nothing.
TEST_F(TolerantParseTest, LeavesValidRequestUnchanged) {
  CreateProfileRequest sent = ValidRequest();

  CreateProfileRequest received;
  ASSERT_TRUE(Deserialize(sent.SerializeAsString(), &received).ok());

  EXPECT_TRUE(MessageDifferencer::Equals(received, sent));
  EXPECT_THAT(TakeInvalidUtf8Paths(&received), IsEmpty());
}

// Verifies that overlong forms and surrogates, which protobuf rejects, are
// reported like any other invalid UTF-8.
TEST_F(TolerantParseTest, ReportsOverlongAndSurrogateEncodings) {
  for (const std::string bad : {"\xC0\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xE2\x82"}) {
    GetProfileRequest sent;
    sent.set_name(bad);
    GetProfileRequest received;
    ASSERT_TRUE(Deserialize(sent.SerializeAsString(), &received).ok());
    EXPECT_THAT(TakeInvalidUtf8Paths(&received), ElementsAre("name"));
  }
}

// Verifies that bytes that are malformed for a reason other than UTF-8 are
// delivered as an empty request marked malformed (for an INVALID_ARGUMENT
// answer), and that a well-formed request is not marked.
TEST_F(TolerantParseTest, MarksMalformedBuffer) {
  CreateProfileRequest sent = ValidRequest();
  sent.mutable_profile()->set_given_name(kInvalid);
  std::string bytes = sent.SerializeAsString();
  bytes.resize(bytes.size() - 3);  // Truncates the last field.

  CreateProfileRequest received;
  ASSERT_TRUE(Deserialize(bytes, &received).ok());
  EXPECT_TRUE(IsMalformed(received));
  EXPECT_FALSE(received.has_profile());
  CreateProfileRequest garbage;
  ASSERT_TRUE(Deserialize(std::string("\x0a\xff\xff", 3), &garbage).ok());
  EXPECT_TRUE(IsMalformed(garbage));

  CreateProfileRequest valid;
  ASSERT_TRUE(Deserialize(ValidRequest().SerializeAsString(), &valid).ok());
  EXPECT_FALSE(IsMalformed(valid));
}

// Verifies that a client cannot forge the record of invalid paths by sending
// the marker field itself.
TEST_F(TolerantParseTest, IgnoresForgedMarker) {
  GetProfileRequest sent;
  sent.set_name("profiles/a");
  sent.GetReflection()->MutableUnknownFields(&sent)->AddLengthDelimited(kInvalidUtf8MarkerField,
                                                                        "forged");
  sent.GetReflection()->MutableUnknownFields(&sent)->AddVarint(kMalformedMarkerField, 1);
  GetProfileRequest received;
  ASSERT_TRUE(Deserialize(sent.SerializeAsString(), &received).ok());
  EXPECT_THAT(TakeInvalidUtf8Paths(&received), IsEmpty());
  EXPECT_FALSE(IsMalformed(received));

  sent.set_name(kInvalid);
  ASSERT_TRUE(Deserialize(sent.SerializeAsString(), &received).ok());
  EXPECT_THAT(TakeInvalidUtf8Paths(&received), ElementsAre("name"));
}

// EchoPathsService answers GetProfile with INVALID_ARGUMENT listing the
// invalid paths, so a test can see that the handler ran.
class EchoPathsService : public ProfileService::CallbackService {
  grpc::ServerUnaryReactor* GetProfile(grpc::CallbackServerContext* context,
                                       const GetProfileRequest* request, Profile*) override {
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    reactor->Finish(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                                 absl::StrJoin(InvalidUtf8Paths(*request), ",")));
    return reactor;
  }
};

// Verifies that over a real gRPC server a request with invalid UTF-8 reaches
// the callback handler, instead of gRPC answering UNIMPLEMENTED.
TEST_F(TolerantParseTest, CallbackHandlerReceivesInvalidRequest) {
  EchoPathsService service;
  int port = 0;
  std::unique_ptr<grpc::Server> server =
      grpc::ServerBuilder()
          .AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port)
          .RegisterService(&service)
          .BuildAndStart();
  ASSERT_NE(server, nullptr);
  auto stub = ProfileService::NewStub(
      grpc::CreateChannel("127.0.0.1:" + std::to_string(port), grpc::InsecureChannelCredentials()));

  GetProfileRequest request;
  request.set_name(kInvalid);
  grpc::ClientContext context;
  Profile response;
  grpc::Status status = stub->GetProfile(&context, request, &response);
  server->Shutdown();

  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(), "name");
}

}  // namespace
}  // namespace cp::protos

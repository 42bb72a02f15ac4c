#include "client/profile_stub_connection.h"

#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/test/client_context_test_peer.h>
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "client/error_details.h"
#include "customerprofile/v1/profile_service_mock.grpc.pb.h"
#include "google/rpc/status.pb.h"

namespace cp::client {
namespace {

namespace v1 = ::customerprofile::v1;
using ::testing::_;
using ::testing::Contains;
using ::testing::MatchesRegex;
using ::testing::Pair;
using ::testing::Return;

Options FastOptions() {
  Options options;
  options.retry.initial_backoff = absl::Milliseconds(1);
  options.retry.max_backoff = absl::Milliseconds(2);
  options.retry.max_attempts = 3;
  return options;
}

grpc::Status Unavailable() { return grpc::Status(grpc::StatusCode::UNAVAILABLE, "down"); }

class ProfileStubConnectionTest : public ::testing::Test {
 protected:
  ProfileStubConnection MakeConnection(Options options = FastOptions()) {
    return ProfileStubConnection(stub_, std::move(options),
                                 [this](absl::Duration d) { sleeps_.push_back(d); });
  }

  std::shared_ptr<v1::MockProfileServiceStub> stub_ =
      std::make_shared<v1::MockProfileServiceStub>();
  std::vector<absl::Duration> sleeps_;
};

// Verifies that a CreateProfile without request_id gets a generated UUID,
// the same on every attempt, which makes retrying it safe.
TEST_F(ProfileStubConnectionTest, CreateWithoutRequestIdGetsOneAndRetries) {
  std::vector<std::string> request_ids;
  EXPECT_CALL(*stub_, CreateProfile(_, _, _))
      .Times(3)
      .WillRepeatedly([&](grpc::ClientContext*, const v1::CreateProfileRequest& request,
                          v1::Profile* response) {
        request_ids.push_back(request.request_id());
        if (request_ids.size() < 3) return Unavailable();
        response->set_name("profiles/a");
        return grpc::Status::OK;
      });
  ProfileStubConnection connection = MakeConnection();

  v1::CreateProfileRequest request;
  request.mutable_profile()->set_given_name("Ada");
  absl::StatusOr<v1::Profile> created = connection.CreateProfile(request);

  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_EQ(created->name(), "profiles/a");
  ASSERT_EQ(request_ids.size(), 3u);
  EXPECT_THAT(request_ids[0],
              MatchesRegex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"));
  EXPECT_EQ(request_ids[1], request_ids[0]);
  EXPECT_EQ(request_ids[2], request_ids[0]);
  EXPECT_EQ(sleeps_.size(), 2u);
}

// Verifies that MergeProfiles and UnmergeProfile without request_id get one,
// the same on every attempt, so that a retry after UNAVAILABLE is a replay
// (the server returns the first result) and never a second merge; a read of
// merges is retried as it is.
TEST_F(ProfileStubConnectionTest, MergeAndUnmergeGetOneRequestIdForAllAttempts) {
  std::vector<std::string> merge_ids, unmerge_ids;
  EXPECT_CALL(*stub_, MergeProfiles(_, _, _))
      .Times(2)
      .WillRepeatedly([&](grpc::ClientContext*, const v1::MergeProfilesRequest& request,
                          v1::MergeProfilesResponse* response) {
        merge_ids.push_back(request.request_id());
        if (merge_ids.size() < 2) return Unavailable();
        response->mutable_merge()->set_name("profiles/a/merges/m");
        return grpc::Status::OK;
      });
  EXPECT_CALL(*stub_, UnmergeProfile(_, _, _))
      .Times(2)
      .WillRepeatedly([&](grpc::ClientContext*, const v1::UnmergeProfileRequest& request,
                          v1::UnmergeProfileResponse*) {
        unmerge_ids.push_back(request.request_id());
        return unmerge_ids.size() < 2 ? Unavailable() : grpc::Status::OK;
      });
  EXPECT_CALL(*stub_, ListMerges(_, _, _))
      .Times(2)
      .WillOnce(Return(Unavailable()))
      .WillOnce(Return(grpc::Status::OK));
  ProfileStubConnection connection = MakeConnection();

  v1::MergeProfilesRequest merge;
  merge.set_survivor("profiles/a");
  merge.add_merged_profiles()->set_name("profiles/b");
  absl::StatusOr<v1::MergeProfilesResponse> merged = connection.MergeProfiles(merge);
  ASSERT_TRUE(merged.ok()) << merged.status();
  EXPECT_EQ(merged->merge().name(), "profiles/a/merges/m");
  ASSERT_EQ(merge_ids.size(), 2u);
  EXPECT_FALSE(merge_ids[0].empty());
  EXPECT_EQ(merge_ids[1], merge_ids[0]);

  v1::UnmergeProfileRequest unmerge;
  unmerge.set_name("profiles/a/merges/m");
  EXPECT_TRUE(connection.UnmergeProfile(unmerge).ok());
  ASSERT_EQ(unmerge_ids.size(), 2u);
  EXPECT_FALSE(unmerge_ids[0].empty());
  EXPECT_EQ(unmerge_ids[1], unmerge_ids[0]);

  v1::ListMergesRequest list;
  list.set_parent("profiles/a");
  EXPECT_TRUE(connection.ListMerges(list).ok());
}

// Verifies that a caller's request_id is sent as given.
TEST_F(ProfileStubConnectionTest, CreateKeepsCallersRequestId) {
  EXPECT_CALL(*stub_, CreateProfile(_, _, _))
      .WillOnce([](grpc::ClientContext*, const v1::CreateProfileRequest& request, v1::Profile*) {
        EXPECT_EQ(request.request_id(), "mine");
        return grpc::Status::OK;
      });
  v1::CreateProfileRequest request;
  request.set_request_id("mine");

  EXPECT_TRUE(MakeConnection().CreateProfile(request).ok());
}

// Verifies that an Update without etag is not retried, while one with an
// etag is.
TEST_F(ProfileStubConnectionTest, UpdateRetriedOnlyWithEtag) {
  EXPECT_CALL(*stub_, UpdateProfile(_, _, _)).WillOnce(Return(Unavailable()));
  ProfileStubConnection connection = MakeConnection();
  v1::UpdateProfileRequest request;
  request.mutable_profile()->set_name("profiles/a");

  EXPECT_EQ(connection.UpdateProfile(request).status().code(), absl::StatusCode::kUnavailable);
  ::testing::Mock::VerifyAndClearExpectations(stub_.get());

  EXPECT_CALL(*stub_, UpdateProfile(_, _, _))
      .WillOnce(Return(Unavailable()))
      .WillOnce(Return(grpc::Status::OK));
  request.mutable_profile()->set_etag("e1");
  EXPECT_TRUE(connection.UpdateProfile(request).ok());
}

// Verifies that a Delete without etag is not retried.
TEST_F(ProfileStubConnectionTest, DeleteWithoutEtagNotRetried) {
  EXPECT_CALL(*stub_, DeleteProfile(_, _, _)).WillOnce(Return(Unavailable()));
  v1::DeleteProfileRequest request;
  request.set_name("profiles/a");

  EXPECT_EQ(MakeConnection().DeleteProfile(request).status().code(),
            absl::StatusCode::kUnavailable);
  EXPECT_TRUE(sleeps_.empty());
}

// Verifies that every attempt carries the configured metadata and a
// deadline within the call's timeout.
TEST_F(ProfileStubConnectionTest, SetsMetadataAndDeadline) {
  Options options = FastOptions();
  options.metadata = {{"authorization", "Bearer t0k"}, {"x-actor", "agent-7"}};
  options.timeout = absl::Seconds(5);
  EXPECT_CALL(*stub_, GetProfile(_, _, _))
      .Times(2)
      .WillRepeatedly([](grpc::ClientContext* context, const v1::GetProfileRequest&, v1::Profile*) {
        grpc::testing::ClientContextTestPeer peer(context);
        EXPECT_THAT(peer.GetSendInitialMetadata(), Contains(Pair("authorization", "Bearer t0k")));
        EXPECT_THAT(peer.GetSendInitialMetadata(), Contains(Pair("x-actor", "agent-7")));
        EXPECT_LE(context->deadline(), std::chrono::system_clock::now() + std::chrono::seconds(5));
        EXPECT_GT(context->deadline(), std::chrono::system_clock::now() + std::chrono::seconds(3));
        return Unavailable();
      });
  options.retry.max_attempts = 2;

  EXPECT_FALSE(MakeConnection(options).GetProfile(v1::GetProfileRequest()).ok());
}

// Verifies that the server's google.rpc.Status details become payloads.
TEST_F(ProfileStubConnectionTest, ExposesErrorDetails) {
  google::rpc::BadRequest bad_request;
  bad_request.add_field_violations()->set_field("profile.emails[0].address");
  google::rpc::ErrorInfo error_info;
  error_info.set_reason("INVALID_ARGUMENT");
  error_info.set_domain("customerprofile.example.com");
  google::rpc::Status details;
  details.set_code(grpc::StatusCode::INVALID_ARGUMENT);
  details.add_details()->PackFrom(bad_request);
  details.add_details()->PackFrom(error_info);
  EXPECT_CALL(*stub_, ListProfiles(_, _, _))
      .WillOnce(Return(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "1 invalid field",
                                    details.SerializeAsString())));

  absl::Status status = MakeConnection().ListProfiles(v1::ListProfilesRequest()).status();

  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(), "1 invalid field");
  ASSERT_TRUE(GetBadRequest(status).has_value());
  EXPECT_EQ(GetBadRequest(status)->field_violations(0).field(), "profile.emails[0].address");
  ASSERT_TRUE(GetErrorInfo(status).has_value());
  EXPECT_EQ(GetErrorInfo(status)->reason(), "INVALID_ARGUMENT");
  EXPECT_EQ(ToRpcStatus(status).details_size(), 2);
}

// FakeProfileService answers GetProfile with the caller's x-actor as the
// given name, and NOT_FOUND with an ErrorInfo for "profiles/missing".
class FakeProfileService : public v1::ProfileService::CallbackService {
  grpc::ServerUnaryReactor* GetProfile(grpc::CallbackServerContext* context,
                                       const v1::GetProfileRequest* request,
                                       v1::Profile* response) override {
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    if (request->name() == "profiles/missing") {
      google::rpc::ErrorInfo info;
      info.set_reason("PROFILE_NOT_FOUND");
      google::rpc::Status details;
      details.set_code(grpc::StatusCode::NOT_FOUND);
      details.add_details()->PackFrom(info);
      reactor->Finish(
          grpc::Status(grpc::StatusCode::NOT_FOUND, "not found", details.SerializeAsString()));
      return reactor;
    }
    auto actor = context->client_metadata().find("x-actor");
    if (actor != context->client_metadata().end()) {
      response->set_given_name(std::string(actor->second.data(), actor->second.size()));
    }
    response->set_name(request->name());
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }
};

// Verifies MakeProfileConnection over a real socket: metadata reaches the
// server and error details come back.
TEST(MakeProfileConnectionTest, TalksToAServer) {
  FakeProfileService service;
  int port = 0;
  std::unique_ptr<grpc::Server> server =
      grpc::ServerBuilder()
          .AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port)
          .RegisterService(&service)
          .BuildAndStart();
  ASSERT_NE(server, nullptr);
  Options options;
  options.endpoint = "127.0.0.1:" + std::to_string(port);
  options.metadata = {{"x-actor", "agent-7"}};
  std::shared_ptr<ProfileConnection> connection = MakeProfileConnection(options);

  v1::GetProfileRequest request;
  request.set_name("profiles/a");
  absl::StatusOr<v1::Profile> profile = connection->GetProfile(request);
  request.set_name("profiles/missing");
  absl::Status missing = connection->GetProfile(request).status();
  server->Shutdown();

  ASSERT_TRUE(profile.ok()) << profile.status();
  EXPECT_EQ(profile->given_name(), "agent-7");
  EXPECT_EQ(missing.code(), absl::StatusCode::kNotFound);
  ASSERT_TRUE(GetErrorInfo(missing).has_value());
  EXPECT_EQ(GetErrorInfo(missing)->reason(), "PROFILE_NOT_FOUND");
}

}  // namespace
}  // namespace cp::client

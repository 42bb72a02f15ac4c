// ChangeService over a real socket, on both stores: the feed delivers every
// committed change in order, resuming from a token delivers exactly the rest,
// filters select, heartbeats keep a quiet stream going, expired tokens are
// refused, a consumer that stops reading is ended resumably, and shutdown
// ends streams at once.

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "customerprofile/v1/change_service.grpc.pb.h"
#include "customerprofile/v1/interaction_service.grpc.pb.h"
#include "customerprofile/v1/profile_service.grpc.pb.h"
#include "domain/common/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/mysql_test_database.h"
#include "tests/support/rpc_status.h"
#include "tests/support/test_server.h"

namespace cp::testing {
namespace {

namespace v1 = ::customerprofile::v1;
using ::testing::ElementsAre;
using ::testing::ElementsAreArray;

enum class Backend { kSqlite, kMysql };

std::string BackendName(const ::testing::TestParamInfo<Backend>& info) {
  return info.param == Backend::kSqlite ? "Sqlite" : "Mysql";
}

std::unique_ptr<grpc::ClientContext> Context(int seconds = 10) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(seconds));
  return context;
}

// Kinds returns the kind of each change.
std::vector<v1::ChangeKind> Kinds(const std::vector<v1::Change>& changes) {
  std::vector<v1::ChangeKind> kinds;
  for (const v1::Change& change : changes) kinds.push_back(change.kind());
  return kinds;
}

std::vector<int64_t> Sequences(const std::vector<v1::Change>& changes) {
  std::vector<int64_t> sequences;
  for (const v1::Change& change : changes) sequences.push_back(change.sequence());
  return sequences;
}

class ChangeServiceTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override { Start({}); }

  void Start(TestServerOptions options) {
    if (GetParam() == Backend::kMysql && !MysqlTestServerOptions().has_value()) {
      GTEST_SKIP() << kNoMysqlTestServer;
    }
    server_.reset();
    auto server = GetParam() == Backend::kSqlite ? TestServer::StartWithSqlite(std::move(options))
                                                 : TestServer::StartWithMysql(std::move(options));
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    profiles_ = server_->NewStub();
    changes_ = v1::ChangeService::NewStub(server_->NewChannel());
    interactions_ = v1::InteractionService::NewStub(server_->NewChannel());
  }

  v1::Profile MustCreate(const std::string& id, const std::string& name = "Kari") {
    v1::CreateProfileRequest request;
    request.set_profile_id(id);
    request.mutable_profile()->set_display_name(name);
    v1::Profile profile;
    grpc::Status status = profiles_->CreateProfile(Context().get(), request, &profile);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return profile;
  }

  v1::Profile MustRename(const v1::Profile& profile, const std::string& name) {
    v1::UpdateProfileRequest request;
    request.mutable_profile()->set_name(profile.name());
    request.mutable_profile()->set_display_name(name);
    request.mutable_update_mask()->add_paths("display_name");
    v1::Profile updated;
    grpc::Status status = profiles_->UpdateProfile(Context().get(), request, &updated);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return updated;
  }

  // ListAll pages through ListChanges from `request` until the feed's end.
  std::vector<v1::Change> ListAll(v1::ListChangesRequest request, std::string* token = nullptr) {
    std::vector<v1::Change> all;
    for (int page = 0; page < 100; ++page) {
      v1::ListChangesResponse response;
      grpc::Status status = changes_->ListChanges(Context().get(), request, &response);
      EXPECT_TRUE(status.ok()) << status.error_message();
      if (!status.ok()) break;
      all.insert(all.end(), response.changes().begin(), response.changes().end());
      request.clear_start_time();
      request.set_resume_token(response.resume_token());
      if (token != nullptr) *token = response.resume_token();
      if (!response.more_available()) break;
    }
    return all;
  }

  // FromTheStart is a ListChanges request from an hour ago.
  static v1::ListChangesRequest FromTheStart() {
    v1::ListChangesRequest request;
    request.mutable_start_time()->set_seconds(absl::ToUnixSeconds(absl::Now() - absl::Hours(1)));
    return request;
  }

  // Watch reads a WatchChanges stream on its own thread.
  class Watch {
   public:
    Watch(v1::ChangeService::Stub* stub, const v1::WatchChangesRequest& request)
        : reader_(stub->WatchChanges(&context_, request)) {}
    ~Watch() {
      if (finished_) return;
      context_.TryCancel();
      while (reader_->Read(&message_)) {
      }
      reader_->Finish().IgnoreError();
    }
    // Next returns the next change (skipping heartbeats), or nullopt when
    // the stream ended; `heartbeats` counts those skipped.
    std::optional<v1::Change> Next(int* heartbeats = nullptr) {
      while (reader_->Read(&message_)) {
        if (message_.has_change()) return message_.change();
        if (heartbeats != nullptr) ++*heartbeats;
      }
      return std::nullopt;
    }
    // NextMessage returns the next message of any kind.
    std::optional<v1::WatchChangesResponse> NextMessage() {
      if (reader_->Read(&message_)) return message_;
      return std::nullopt;
    }
    grpc::Status Finish() {
      finished_ = true;
      return reader_->Finish();
    }

   private:
    grpc::ClientContext context_;
    bool finished_ = false;
    v1::WatchChangesResponse message_;
    std::unique_ptr<grpc::ClientReader<v1::WatchChangesResponse>> reader_;
  };

  std::unique_ptr<TestServer> server_;
  std::unique_ptr<v1::ProfileService::Stub> profiles_;
  std::unique_ptr<v1::ChangeService::Stub> changes_;
  std::unique_ptr<v1::InteractionService::Stub> interactions_;
};

// Verifies that a stream from now delivers each committed change in order,
// with its resource, kind, changed fields and new etag, as each write
// returned it.
TEST_P(ChangeServiceTest, WatchFromNowDeliversEveryChangeInOrder) {
  v1::WatchChangesRequest request;
  Watch watch(changes_.get(), request);
  // The stream has started once a first write is seen; writes before it
  // may or may not be delivered, so the first is a marker.
  MustCreate("marker");
  std::optional<v1::Change> first = watch.Next();
  ASSERT_TRUE(first.has_value());
  ASSERT_EQ(first->resource_name(), "profiles/marker");

  v1::Profile created = MustCreate("kari");
  v1::Profile renamed = MustRename(created, "Kari N");
  v1::DeleteProfileRequest remove;
  remove.set_name(created.name());
  v1::Profile deleted;
  ASSERT_TRUE(profiles_->DeleteProfile(Context().get(), remove, &deleted).ok());

  std::vector<v1::Change> seen;
  for (int i = 0; i < 3; ++i) {
    std::optional<v1::Change> change = watch.Next();
    ASSERT_TRUE(change.has_value());
    seen.push_back(*change);
  }
  EXPECT_THAT(Kinds(seen), ElementsAre(v1::CHANGE_KIND_CREATED, v1::CHANGE_KIND_UPDATED,
                                       v1::CHANGE_KIND_DELETED));
  for (const v1::Change& change : seen) {
    EXPECT_EQ(change.resource_name(), "profiles/kari");
    EXPECT_EQ(change.resource_type(), v1::CHANGE_RESOURCE_TYPE_PROFILE);
    EXPECT_EQ(change.profile(), "profiles/kari");
    EXPECT_GT(change.sequence(), first->sequence());
    EXPECT_FALSE(change.resume_token().empty());
  }
  EXPECT_LT(seen[0].sequence(), seen[1].sequence());
  EXPECT_LT(seen[1].sequence(), seen[2].sequence());
  EXPECT_EQ(seen[0].etag(), created.etag());
  EXPECT_EQ(seen[1].etag(), renamed.etag());
  EXPECT_EQ(seen[2].etag(), deleted.etag());
  EXPECT_THAT(seen[1].field_paths(), ElementsAre("display_name"));
  EXPECT_THAT(seen[2].field_paths(), ElementsAre("delete_time"));
}

// Verifies that resuming from the token of change N, by stream or by pages,
// delivers exactly the changes after N: none lost, none repeated, none
// reordered.
TEST_P(ChangeServiceTest, ResumingDeliversExactlyTheChangesAfterTheToken) {
  v1::Profile profile = MustCreate("resume");
  for (int i = 0; i < 9; ++i) profile = MustRename(profile, absl::StrCat("Name ", i));
  std::vector<v1::Change> all = ListAll(FromTheStart());
  ASSERT_EQ(all.size(), 10u);
  for (size_t i = 1; i < all.size(); ++i) EXPECT_LT(all[i - 1].sequence(), all[i].sequence());

  std::vector<v1::Change> rest(all.begin() + 4, all.end());
  v1::ListChangesRequest list;
  list.set_resume_token(all[3].resume_token());
  list.set_page_size(2);
  EXPECT_THAT(Sequences(ListAll(list)), ElementsAreArray(Sequences(rest)));

  v1::WatchChangesRequest request;
  request.set_resume_token(all[3].resume_token());
  Watch watch(changes_.get(), request);
  std::vector<v1::Change> streamed;
  for (size_t i = 0; i < rest.size(); ++i) {
    std::optional<v1::Change> change = watch.Next();
    ASSERT_TRUE(change.has_value());
    streamed.push_back(*change);
  }
  EXPECT_THAT(Sequences(streamed), ElementsAreArray(Sequences(rest)));
  // Nothing more: the next change is the next write.
  MustCreate("after");
  std::optional<v1::Change> next = watch.Next();
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(next->resource_name(), "profiles/after");
}

// Verifies that resource type and profile filters select, and that the
// position a filtered read returns moves past what it skipped.
TEST_P(ChangeServiceTest, FiltersSelectByTypeAndProfile) {
  MustCreate("a");
  MustCreate("b");
  v1::RecordInteractionRequest record;
  record.set_parent("profiles/b");
  v1::Interaction* interaction = record.mutable_interaction();
  interaction->set_channel(v1::INTERACTION_CHANNEL_WEB);
  interaction->set_direction(v1::INTERACTION_DIRECTION_INBOUND);
  interaction->set_kind(v1::INTERACTION_KIND_VISIT);
  interaction->mutable_occur_time()->set_seconds(absl::ToUnixSeconds(absl::Now()));
  interaction->set_source_system("web");
  v1::Interaction recorded;
  ASSERT_TRUE(interactions_->RecordInteraction(Context().get(), record, &recorded).ok());

  v1::ListChangesRequest by_profile = FromTheStart();
  by_profile.set_profile("profiles/b");
  std::vector<v1::Change> about_b = ListAll(by_profile);
  ASSERT_EQ(about_b.size(), 2u);
  EXPECT_EQ(about_b[0].resource_name(), "profiles/b");
  EXPECT_EQ(about_b[1].resource_name(), recorded.name());
  EXPECT_EQ(about_b[1].kind(), v1::CHANGE_KIND_RECORDED);
  EXPECT_EQ(about_b[1].resource_type(), v1::CHANGE_RESOURCE_TYPE_INTERACTION);

  v1::ListChangesRequest by_type = FromTheStart();
  by_type.add_resource_types(v1::CHANGE_RESOURCE_TYPE_PROFILE);
  EXPECT_EQ(ListAll(by_type).size(), 2u);

  // The token of a read that found nothing past its filter is at the head.
  v1::ListChangesRequest merges = FromTheStart();
  merges.add_resource_types(v1::CHANGE_RESOURCE_TYPE_MERGE);
  std::string token;
  EXPECT_TRUE(ListAll(merges, &token).empty());
  MustCreate("c");
  v1::ListChangesRequest after;
  after.set_resume_token(token);
  std::vector<v1::Change> later = ListAll(after);
  ASSERT_EQ(later.size(), 1u);
  EXPECT_EQ(later[0].resource_name(), "profiles/c");

  v1::ListChangesRequest bad;
  bad.add_resource_types(v1::CHANGE_RESOURCE_TYPE_UNSPECIFIED);
  bad.set_profile("people/1");
  v1::ListChangesResponse response;
  grpc::Status status = changes_->ListChanges(Context().get(), bad, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(BadRequestFields(status), ElementsAre("resource_types[0]", "profile"));
}

// Verifies that malformed starts are INVALID_ARGUMENT with the field named.
TEST_P(ChangeServiceTest, MalformedStartsAreRefused) {
  v1::ListChangesRequest garbage;
  garbage.set_resume_token("not-a-token");
  v1::ListChangesResponse response;
  grpc::Status status = changes_->ListChanges(Context().get(), garbage, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(BadRequestFields(status), ElementsAre("resume_token"));

  v1::ListChangesRequest future;
  future.mutable_start_time()->set_seconds(absl::ToUnixSeconds(absl::Now() + absl::Hours(1)));
  status = changes_->ListChanges(Context().get(), future, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);

  v1::WatchChangesRequest both;
  both.set_resume_token("x");
  both.mutable_start_time()->set_seconds(1);
  Watch watch(changes_.get(), both);
  EXPECT_FALSE(watch.Next().has_value());
  EXPECT_EQ(watch.Finish().error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

// Verifies that a token older than the retention is FAILED_PRECONDITION
// RESUME_TOKEN_EXPIRED, by stream and by page, and a start time older than
// it START_TIME_EXPIRED.
TEST_P(ChangeServiceTest, TokensOlderThanTheRetentionExpire) {
  domain::FakeClock clock(absl::Now());
  TestServerOptions options;
  options.clock = &clock;
  options.runner.changes.retention = absl::Hours(24);
  Start(std::move(options));
  MustCreate("old");
  std::vector<v1::Change> all = ListAll(FromTheStart());
  ASSERT_EQ(all.size(), 1u);
  clock.Advance(absl::Hours(25));

  v1::ListChangesRequest list;
  list.set_resume_token(all[0].resume_token());
  v1::ListChangesResponse response;
  grpc::Status status = changes_->ListChanges(Context().get(), list, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(ReasonOf(status), "RESUME_TOKEN_EXPIRED");

  v1::WatchChangesRequest watch_request;
  watch_request.set_resume_token(all[0].resume_token());
  Watch watch(changes_.get(), watch_request);
  EXPECT_FALSE(watch.Next().has_value());
  status = watch.Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(ReasonOf(status), "RESUME_TOKEN_EXPIRED");

  v1::ListChangesRequest too_early;
  too_early.mutable_start_time()->set_seconds(absl::ToUnixSeconds(clock.Now() - absl::Hours(30)));
  status = changes_->ListChanges(Context().get(), too_early, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(ReasonOf(status), "START_TIME_EXPIRED");
}

// Verifies that a quiet stream gets heartbeats whose token resumes exactly
// where the stream was.
TEST_P(ChangeServiceTest, QuietStreamsGetHeartbeatsThatResume) {
  TestServerOptions options;
  options.runner.watch.heartbeat = absl::Milliseconds(200);
  options.runner.change_poller.tick_interval = absl::Milliseconds(50);
  Start(std::move(options));
  MustCreate("before");
  v1::WatchChangesRequest request;
  Watch watch(changes_.get(), request);
  std::optional<v1::WatchChangesResponse> message = watch.NextMessage();
  ASSERT_TRUE(message.has_value());
  ASSERT_TRUE(message->has_heartbeat()) << message->DebugString();
  EXPECT_FALSE(message->heartbeat().resume_token().empty());

  MustCreate("after-heartbeat");
  v1::ListChangesRequest list;
  list.set_resume_token(message->heartbeat().resume_token());
  std::vector<v1::Change> rest = ListAll(list);
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_EQ(rest[0].resource_name(), "profiles/after-heartbeat");
}

// Verifies that a client that stops reading is ended with UNAVAILABLE
// CONSUMER_TOO_SLOW after the stall timeout, once it reads again, having
// received every change before the end in order.
TEST_P(ChangeServiceTest, AConsumerThatStopsReadingIsEndedResumably) {
  TestServerOptions options;
  options.runner.watch.stall_timeout = absl::Milliseconds(500);
  options.runner.change_poller.tick_interval = absl::Milliseconds(50);
  Start(std::move(options));
  MustCreate("slow");
  // A small receive window, so that the server's writes block soon.
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_HTTP2_BDP_PROBE, 0);
  args.SetInt(GRPC_ARG_HTTP2_STREAM_LOOKAHEAD_BYTES, 8 * 1024);
  args.SetInt(GRPC_ARG_MAX_CONCURRENT_STREAMS, 10);
  auto stub = v1::ChangeService::NewStub(
      grpc::CreateCustomChannel(server_->address(), grpc::InsecureChannelCredentials(), args));
  v1::WatchChangesRequest request;
  request.mutable_start_time()->set_seconds(absl::ToUnixSeconds(absl::Now() - absl::Hours(1)));
  Watch watch(stub.get(), request);
  // Enough changes to fill every window and buffer on the way.
  v1::BatchRecordInteractionsRequest batch;
  for (int i = 0; i < 1000; ++i) {
    v1::RecordInteractionRequest* item = batch.add_requests();
    item->set_parent("profiles/slow");
    v1::Interaction* interaction = item->mutable_interaction();
    interaction->set_channel(v1::INTERACTION_CHANNEL_WEB);
    interaction->set_direction(v1::INTERACTION_DIRECTION_INBOUND);
    interaction->set_kind(v1::INTERACTION_KIND_VISIT);
    interaction->mutable_occur_time()->set_seconds(absl::ToUnixSeconds(absl::Now()) - i);
    interaction->set_source_system("web");
    interaction->set_summary(std::string(200, 'x'));
  }
  for (int round = 0; round < 3; ++round) {
    v1::BatchRecordInteractionsResponse recorded;
    ASSERT_TRUE(interactions_->BatchRecordInteractions(Context(30).get(), batch, &recorded).ok());
  }
  absl::SleepFor(absl::Seconds(2));
  int64_t last = 0;
  int received = 0;
  while (std::optional<v1::Change> change = watch.Next()) {
    EXPECT_GT(change->sequence(), last);
    last = change->sequence();
    ++received;
  }
  grpc::Status status = watch.Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << status.error_message();
  EXPECT_EQ(ReasonOf(status), "CONSUMER_TOO_SLOW");
  EXPECT_LT(received, 3001);
  EXPECT_GT(received, 0);
}

// Verifies that shutting the server down ends open streams at once with a
// resumable UNAVAILABLE, instead of holding up the drain.
TEST_P(ChangeServiceTest, ShutdownEndsStreamsResumably) {
  v1::WatchChangesRequest request;
  Watch watch(changes_.get(), request);
  MustCreate("marker");
  ASSERT_TRUE(watch.Next().has_value());
  absl::Time start = absl::Now();
  std::thread stop([&]() { server_->runner().Shutdown(absl::Seconds(20)); });
  EXPECT_FALSE(watch.Next().has_value());
  grpc::Status status = watch.Finish();
  stop.join();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(ReasonOf(status), "SERVER_SHUTTING_DOWN");
  EXPECT_LT(absl::Now() - start, absl::Seconds(10));
}

INSTANTIATE_TEST_SUITE_P(Backends, ChangeServiceTest,
                         ::testing::Values(Backend::kSqlite, Backend::kMysql), BackendName);

}  // namespace
}  // namespace cp::testing

// ChangeClient against real servers: a watch goes on across a server's
// restart from the last token it handed out, delivering every change once
// and in order; an expired position ends it with the server's answer.

#include "client/change_client.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "client/audit_client.h"
#include "client/options.h"
#include "customerprofile/v1/profile_service.grpc.pb.h"
#include "gtest/gtest.h"
#include "storage/sqlite/sqlite_store.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_server.h"

namespace cp::client {
namespace {

namespace v1 = ::customerprofile::v1;

class ChangeClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    storage::SqliteStoreOptions options;
    options.path = dir_.File("p.db");
    auto store = storage::OpenSqliteStore(options);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    ASSERT_TRUE(store_->Migrate().ok());
    StartServer(0);
  }

  void StartServer(int port) {
    testing::TestServerOptions options;
    options.port = port;
    auto server = testing::TestServer::Start(store_.get(), std::move(options));
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    profiles_ = server_->NewStub();
  }

  void Create(const std::string& id) {
    v1::CreateProfileRequest request;
    request.set_profile_id(id);
    request.mutable_profile()->set_display_name("Kari");
    v1::Profile profile;
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    grpc::Status status = profiles_->CreateProfile(&context, request, &profile);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  Options ClientOptions() const {
    Options options;
    options.endpoint = server_->address();
    options.timeout = absl::Seconds(10);
    options.retry.initial_backoff = absl::Milliseconds(20);
    options.retry.max_backoff = absl::Milliseconds(500);
    return options;
  }

  testing::TempDir dir_;
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<testing::TestServer> server_;
  std::unique_ptr<v1::ProfileService::Stub> profiles_;
};

// Verifies that a watch from "now" delivers the changes after it, and goes
// on after the server shut down and came back on the same address: the
// changes made while it was away arrive once each, in order.
TEST_F(ChangeClientTest, WatchResumesAcrossARestart) {
  ChangeClient changes(ClientOptions());
  std::unique_ptr<ChangeStream> stream = changes.WatchChanges({});
  ASSERT_FALSE(stream->resume_token().empty());
  for (int i = 0; i < 3; ++i) Create(absl::StrCat("before-", i));
  std::vector<std::string> seen;
  for (int i = 0; i < 3; ++i) {
    std::optional<v1::Change> change = stream->Next();
    ASSERT_TRUE(change.has_value()) << stream->status();
    seen.push_back(change->resource_name());
  }
  const int port = server_->runner().port();
  server_.reset();  // Ends the stream with UNAVAILABLE SERVER_SHUTTING_DOWN.
  StartServer(port);
  for (int i = 0; i < 3; ++i) Create(absl::StrCat("after-", i));
  for (int i = 0; i < 3; ++i) {
    std::optional<v1::Change> change = stream->Next();
    ASSERT_TRUE(change.has_value()) << stream->status();
    seen.push_back(change->resource_name());
  }
  EXPECT_EQ(seen,
            (std::vector<std::string>{"profiles/before-0", "profiles/before-1", "profiles/before-2",
                                      "profiles/after-0", "profiles/after-1", "profiles/after-2"}));
  EXPECT_GE(stream->reconnects(), 1);
  // The stream is a range too.
  Create("ranged");
  for (const v1::Change& change : *stream) {
    EXPECT_EQ(change.resource_name(), "profiles/ranged");
    break;
  }
  stream->Cancel();
  EXPECT_FALSE(stream->Next().has_value());
  EXPECT_TRUE(absl::IsCancelled(stream->status()));
}

// Verifies that a failure resuming cannot get past ends the stream with the
// server's code.
TEST_F(ChangeClientTest, AnInvalidStartEndsTheStream) {
  ChangeClient changes(ClientOptions());
  v1::WatchChangesRequest request;
  request.set_resume_token("garbage");
  std::unique_ptr<ChangeStream> stream = changes.WatchChanges(request);
  EXPECT_FALSE(stream->Next().has_value());
  EXPECT_EQ(stream->status().code(), absl::StatusCode::kInvalidArgument);
}

// Verifies that ListChanges pages and AuditClient reads a trail.
TEST_F(ChangeClientTest, ListChangesAndAuditEvents) {
  Create("kari");
  ChangeClient changes(ClientOptions());
  v1::ListChangesRequest request;
  request.mutable_start_time()->set_seconds(absl::ToUnixSeconds(absl::Now() - absl::Hours(1)));
  absl::StatusOr<v1::ListChangesResponse> page = changes.ListChanges(request);
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->changes_size(), 1);
  EXPECT_EQ(page->changes(0).resource_name(), "profiles/kari");
  AuditClient audit(ClientOptions());
  absl::StatusOr<v1::ListAuditEventsResponse> trail = audit.ListAuditEvents("profiles/kari");
  ASSERT_TRUE(trail.ok()) << trail.status();
  ASSERT_EQ(trail->audit_events_size(), 1);
  EXPECT_EQ(trail->audit_events(0).kind(), v1::CHANGE_KIND_CREATED);
}

}  // namespace
}  // namespace cp::client

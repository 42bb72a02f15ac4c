// The change feed of two profile-server processes on one MariaDB database:
// writers on both, a watcher on each, and a third writer whose transactions
// take their sequence early and commit late (the case a reader tailing an
// AUTO_INCREMENT would skip). Both watchers must see the same sequence,
// holding every acknowledged write exactly once, and every slow change.

#include <grpcpp/grpcpp.h>
#include <signal.h>

#include <chrono>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "customerprofile/v1/change_service.grpc.pb.h"
#include "customerprofile/v1/profile_service.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/mysql/mysql_connection.h"
#include "tests/support/mysql_test_database.h"
#include "tests/support/server_process.h"
#include "tests/support/temp_dir.h"

namespace cp::testing {
namespace {

namespace v1 = ::customerprofile::v1;

constexpr int kServers = 2;
constexpr int kWritesPerServer = 40;
constexpr int kSlowWrites = 6;
constexpr size_t kTotal = kServers * kWritesPerServer + kSlowWrites;

std::unique_ptr<grpc::ClientContext> Context(int seconds = 20) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(seconds));
  return context;
}

class MysqlChangeFeedTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!MysqlTestServerOptions().has_value()) GTEST_SKIP() << kNoMysqlTestServer;
    absl::StatusOr<std::unique_ptr<MysqlTestDatabase>> database =
        MysqlTestDatabase::CreateOnTestServer("change_feed");
    ASSERT_TRUE(database.ok()) << database.status();
    database_ = *std::move(database);
    for (int i = 0; i < kServers; ++i) {
      servers_[i] =
          ServerProcess::Spawn({"--listen=127.0.0.1:0", "--store=" + database_->Uri(),
                                "--migrate=auto", "--change-poll-interval=50ms"},
                               dir_.File(absl::StrCat("server-", i, ".err")),
                               {"PROFILE_SERVER_MYSQL_PASSWORD=" + database_->password()});
      ASSERT_NE(servers_[i], nullptr);
    }
    for (int i = 0; i < kServers; ++i) {
      std::string address = servers_[i]->WaitUntilListening();
      ASSERT_FALSE(address.empty()) << servers_[i]->Stderr();
      channels_[i] = grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
    }
  }

  void TearDown() override {
    for (auto& channel : channels_) channel.reset();
    for (std::unique_ptr<ServerProcess>& server : servers_) {
      if (server == nullptr) continue;
      server->Signal(SIGTERM);
      EXPECT_EQ(server->Wait(), 0) << server->Stderr();
    }
  }

  TempDir dir_;
  std::unique_ptr<MysqlTestDatabase> database_;
  std::unique_ptr<ServerProcess> servers_[kServers];
  std::shared_ptr<grpc::Channel> channels_[kServers];
};

// Verifies that interleaved fast writes through two servers and slow
// transactions (sequence taken, commit 0.7 s later) reach a watcher on each
// server as one identical, gap-safe sequence with nothing skipped.
TEST_F(MysqlChangeFeedTest, BothWatchersSeeTheSameCompleteSequence) {
  // Each watcher starts from the same position, taken before any write.
  v1::ListChangesResponse start;
  ASSERT_TRUE(v1::ChangeService::NewStub(channels_[0])
                  ->ListChanges(Context().get(), v1::ListChangesRequest(), &start)
                  .ok());

  absl::Mutex mu;
  // resource name + etag of each acknowledged write, and each slow change.
  std::multiset<std::string> expected;

  std::vector<int64_t> sequences[kServers];
  std::multiset<std::string> seen[kServers];
  std::vector<std::thread> watchers;
  for (int s = 0; s < kServers; ++s) {
    watchers.emplace_back([&, s]() {
      auto stub = v1::ChangeService::NewStub(channels_[s]);
      grpc::ClientContext context;
      context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
      v1::WatchChangesRequest request;
      request.set_resume_token(start.resume_token());
      auto reader = stub->WatchChanges(&context, request);
      v1::WatchChangesResponse message;
      while (seen[s].size() < kTotal && reader->Read(&message)) {
        if (!message.has_change()) continue;
        sequences[s].push_back(message.change().sequence());
        seen[s].insert(
            absl::StrCat(message.change().resource_name(), "@", message.change().etag()));
      }
      context.TryCancel();
      while (reader->Read(&message)) {
      }
      reader->Finish().IgnoreError();
    });
  }
  std::vector<std::thread> writers;
  for (int s = 0; s < kServers; ++s) {
    writers.emplace_back([&, s]() {
      auto stub = v1::ProfileService::NewStub(channels_[s]);
      for (int i = 0; i < kWritesPerServer; ++i) {
        v1::CreateProfileRequest create;
        create.set_profile_id(absl::StrCat("s", s, "-", i));
        create.mutable_profile()->set_display_name("Writer");
        v1::Profile profile;
        grpc::Status status = stub->CreateProfile(Context().get(), create, &profile);
        ASSERT_TRUE(status.ok()) << status.error_message();
        absl::MutexLock lock(&mu);
        expected.insert(absl::StrCat(profile.name(), "@", profile.etag()));
      }
    });
  }
  std::thread slow([&]() {
    absl::StatusOr<std::unique_ptr<storage::MysqlConnection>> connection =
        storage::MysqlConnection::Open(database_->options(), absl::Now() + absl::Seconds(10));
    ASSERT_TRUE(connection.ok()) << connection.status();
    for (int i = 0; i < kSlowWrites; ++i) {
      std::string name = absl::StrCat("purposes/slow-", i);
      absl::Status status = (*connection)->Call("slow write", [&]() {
        (*connection)->Execute("START TRANSACTION");
        (*connection)
            ->Execute(absl::StrCat("INSERT INTO change_log (change_time, resource_type, "
                                   "resource_name, profile_id, kind, "
                                   "is_read, app_id, actor, details) VALUES (",
                                   absl::ToUnixMicros(absl::Now()), ", 3, '", name,
                                   "', '', 1, 0, 'slow', '', '')"));
        // The sequence is taken; faster writers commit later ones meanwhile.
        (*connection)->Execute("DO SLEEP(0.7)");
        (*connection)->Execute("COMMIT");
      });
      ASSERT_TRUE(status.ok()) << status;
      absl::MutexLock lock(&mu);
      expected.insert(absl::StrCat(name, "@"));
    }
  });
  for (std::thread& writer : writers) writer.join();
  slow.join();
  ASSERT_EQ(expected.size(), kTotal);

  for (std::thread& watcher : watchers) watcher.join();

  for (int s = 0; s < kServers; ++s) {
    EXPECT_EQ(seen[s], expected) << "watcher on server " << s;
    for (size_t i = 1; i < sequences[s].size(); ++i) {
      EXPECT_LT(sequences[s][i - 1], sequences[s][i]);
    }
  }
  EXPECT_EQ(sequences[0], sequences[1]);
}

}  // namespace
}  // namespace cp::testing

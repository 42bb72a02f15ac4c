// profile-server rides out a MariaDB outage: while the database is down,
// calls fail with UNAVAILABLE within their deadline; once it is back they
// succeed again, without restarting the server.

#include <grpcpp/grpcpp.h>
#include <signal.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "customerprofile/v1/profile_service.grpc.pb.h"
#include "gtest/gtest.h"
#include "storage/mysql/mysql_uri.h"
#include "tests/support/mysql_test_database.h"
#include "tests/support/private_mariadb.h"
#include "tests/support/server_process.h"
#include "tests/support/temp_dir.h"

namespace cp::testing {
namespace {

namespace v1 = ::customerprofile::v1;

constexpr std::chrono::seconds kCallDeadline(3);
// The deadline plus the time to carry the answer back.
constexpr absl::Duration kAnswerWithin = absl::Seconds(4);

// TimedStatus is a call's status and how long the call took.
struct TimedStatus {
  grpc::Status status;
  absl::Duration took;
};

// Timed runs `call` with a client context whose deadline is kCallDeadline
// away.
template <typename Call>
TimedStatus Timed(Call call) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + kCallDeadline);
  absl::Time start = absl::Now();
  grpc::Status status = call(&context);
  return {status, absl::Now() - start};
}

// Verifies that while a private MariaDB is stopped every kind of call fails
// with UNAVAILABLE within its 3 s deadline (never a hang), that the server
// keeps running, and that after MariaDB is started again (on the same port)
// reads and writes succeed on the same server process.
TEST(MysqlOutageTest, UnavailableWhileMariaDbIsDownAndRecoversWithoutRestart) {
  // Runs where the MySQL tests run (make test); needs its own MariaDB so
  // that the shared one is not disturbed.
  if (!MysqlTestServerOptions().has_value()) GTEST_SKIP() << kNoMysqlTestServer;
  PrivateMariaDb mariadb;
  ASSERT_TRUE(mariadb.Start().ok());
  std::optional<storage::MysqlStoreOptions> options = mariadb.Options();
  ASSERT_TRUE(options.has_value());

  TempDir dir;
  std::unique_ptr<ServerProcess> server = ServerProcess::Spawn(
      {"--listen=127.0.0.1:0", "--store=" + storage::MysqlEndpoint(*options), "--workers=4"},
      dir.File("server.err"), {"PROFILE_SERVER_MYSQL_PASSWORD=" + options->password});
  ASSERT_NE(server, nullptr);
  std::string address = server->WaitUntilListening();
  ASSERT_FALSE(address.empty()) << server->Stderr();
  auto stub =
      v1::ProfileService::NewStub(grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));

  v1::CreateProfileRequest create;
  create.mutable_profile()->set_display_name("Before the outage");
  v1::Profile created;
  TimedStatus before = Timed(
      [&](grpc::ClientContext* context) { return stub->CreateProfile(context, create, &created); });
  ASSERT_TRUE(before.status.ok()) << before.status.error_message();
  v1::GetProfileRequest get;
  get.set_name(created.name());
  v1::Profile got;

  ASSERT_TRUE(mariadb.Stop().ok());
  v1::UpdateProfileRequest update;
  update.mutable_profile()->set_name(created.name());
  update.mutable_profile()->set_etag(created.etag());
  update.mutable_profile()->set_display_name("During the outage");
  update.mutable_update_mask()->add_paths("display_name");
  v1::ListProfilesRequest list;
  v1::ListProfilesResponse listed;
  v1::Profile ignored;
  for (int attempt = 0; attempt < 2; ++attempt) {
    TimedStatus results[] = {
        Timed([&](grpc::ClientContext* c) { return stub->GetProfile(c, get, &got); }),
        Timed([&](grpc::ClientContext* c) { return stub->CreateProfile(c, create, &ignored); }),
        Timed([&](grpc::ClientContext* c) { return stub->UpdateProfile(c, update, &ignored); }),
        Timed([&](grpc::ClientContext* c) { return stub->ListProfiles(c, list, &listed); }),
    };
    for (const TimedStatus& result : results) {
      EXPECT_EQ(result.status.error_code(), grpc::StatusCode::UNAVAILABLE)
          << "attempt " << attempt << ": " << result.status.error_message();
      EXPECT_LT(result.took, kAnswerWithin) << "attempt " << attempt;
    }
  }
  EXPECT_FALSE(server->Wait(absl::ZeroDuration()).has_value()) << "the server exited";

  ASSERT_TRUE(mariadb.Start().ok());
  TimedStatus read = Timed([&](grpc::ClientContext* c) { return stub->GetProfile(c, get, &got); });
  ASSERT_TRUE(read.status.ok()) << read.status.error_message();
  EXPECT_EQ(got.display_name(), "Before the outage");
  TimedStatus written =
      Timed([&](grpc::ClientContext* c) { return stub->UpdateProfile(c, update, &got); });
  ASSERT_TRUE(written.status.ok()) << written.status.error_message();
  EXPECT_EQ(got.display_name(), "During the outage");
  EXPECT_FALSE(server->Wait(absl::ZeroDuration()).has_value()) << "the server exited";

  stub.reset();
  server->Signal(SIGTERM);
  EXPECT_EQ(server->Wait(), 0) << server->Stderr();
}

}  // namespace
}  // namespace cp::testing

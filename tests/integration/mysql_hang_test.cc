// profile-server is not held up by a hung MariaDB: while the database is
// stopped with SIGSTOP (its connections stay open, nothing answers), calls
// end at their deadline and free their workers, instead of holding them for
// the connector's 30 s read timeout while every other call queues behind.

#include <grpcpp/grpcpp.h>
#include <signal.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "customerprofile/v1/profile_service.grpc.pb.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "gtest/gtest.h"
#include "storage/mysql/mysql_uri.h"
#include "tests/support/mysql_test_database.h"
#include "tests/support/private_mariadb.h"
#include "tests/support/server_process.h"
#include "tests/support/temp_dir.h"

namespace cp::testing {
namespace {

namespace v1 = ::customerprofile::v1;

constexpr std::chrono::seconds kCallDeadline(2);
// The deadline plus the time to carry the answer back.
constexpr absl::Duration kAnswerWithin = absl::Milliseconds(2500);
constexpr int kWorkers = 2;
constexpr int kConcurrentCalls = 6;

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

// Verifies that with MariaDB stopped (SIGSTOP) and more concurrent reads and
// writes than workers, every call fails within 2.5 s of its start with
// DEADLINE_EXCEEDED or UNAVAILABLE, that health answers SERVING at once
// meanwhile, that the workers are free again right after (a call that needs
// a worker but not the database is answered at once), and that after SIGCONT
// reads and writes succeed on the same server process.
TEST(MysqlHangTest, CallsEndAtTheirDeadlineAndRecoverAfterResume) {
  // Runs where the MySQL tests run (make test); needs its own MariaDB so
  // that the shared one is not disturbed.
  if (!MysqlTestServerOptions().has_value()) GTEST_SKIP() << kNoMysqlTestServer;
  PrivateMariaDb mariadb;
  ASSERT_TRUE(mariadb.Start().ok());
  std::optional<storage::MysqlStoreOptions> options = mariadb.Options();
  ASSERT_TRUE(options.has_value());

  TempDir dir;
  std::unique_ptr<ServerProcess> server = ServerProcess::Spawn(
      {"--listen=127.0.0.1:0", "--store=" + storage::MysqlEndpoint(*options),
       "--workers=" + std::to_string(kWorkers)},
      dir.File("server.err"), {"PROFILE_SERVER_MYSQL_PASSWORD=" + options->password});
  ASSERT_NE(server, nullptr);
  std::string address = server->WaitUntilListening();
  ASSERT_FALSE(address.empty()) << server->Stderr();
  std::shared_ptr<grpc::Channel> channel =
      grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
  auto stub = v1::ProfileService::NewStub(channel);
  auto health = grpc::health::v1::Health::NewStub(channel);

  v1::CreateProfileRequest create;
  create.mutable_profile()->set_display_name("Before the hang");
  v1::Profile created;
  TimedStatus before = Timed(
      [&](grpc::ClientContext* context) { return stub->CreateProfile(context, create, &created); });
  ASSERT_TRUE(before.status.ok()) << before.status.error_message();
  v1::GetProfileRequest get;
  get.set_name(created.name());
  v1::UpdateProfileRequest update;
  update.mutable_profile()->set_name(created.name());
  update.mutable_profile()->set_display_name("After the hang");
  update.mutable_update_mask()->add_paths("display_name");

  ASSERT_TRUE(mariadb.Pause().ok());
  std::vector<TimedStatus> results(kConcurrentCalls);
  std::vector<std::thread> callers;
  for (int i = 0; i < kConcurrentCalls; ++i) {
    callers.emplace_back([&, i]() {
      v1::Profile ignored;
      results[i] = Timed([&](grpc::ClientContext* c) {
        return i % 2 == 0 ? stub->GetProfile(c, get, &ignored)
                          : stub->UpdateProfile(c, update, &ignored);
      });
    });
  }
  absl::SleepFor(absl::Milliseconds(300));
  grpc::health::v1::HealthCheckResponse serving;
  TimedStatus checked = Timed([&](grpc::ClientContext* c) {
    return health->Check(c, grpc::health::v1::HealthCheckRequest(), &serving);
  });
  for (std::thread& caller : callers) caller.join();

  EXPECT_TRUE(checked.status.ok()) << checked.status.error_message();
  EXPECT_EQ(serving.status(), grpc::health::v1::HealthCheckResponse::SERVING);
  EXPECT_LT(checked.took, absl::Milliseconds(500));
  for (int i = 0; i < kConcurrentCalls; ++i) {
    grpc::StatusCode code = results[i].status.error_code();
    EXPECT_TRUE(code == grpc::StatusCode::DEADLINE_EXCEEDED ||
                code == grpc::StatusCode::UNAVAILABLE)
        << "call " << i << ": " << code << " " << results[i].status.error_message();
    EXPECT_LT(results[i].took, kAnswerWithin) << "call " << i;
  }
  // Were the workers still held by the hung statements, this would queue
  // until its deadline.
  v1::GetProfileRequest unnamed;
  v1::Profile ignored;
  TimedStatus invalid =
      Timed([&](grpc::ClientContext* c) { return stub->GetProfile(c, unnamed, &ignored); });
  EXPECT_EQ(invalid.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
      << invalid.status.error_message();
  EXPECT_LT(invalid.took, absl::Milliseconds(500));

  // The server's deadlines trail the client's by the time the calls took to
  // arrive, and a call that gets MariaDB back just before its deadline may
  // still commit then; only work after the deadline must not happen.
  absl::SleepFor(absl::Milliseconds(500));
  ASSERT_TRUE(mariadb.Resume().ok());
  v1::Profile got;
  TimedStatus read = Timed([&](grpc::ClientContext* c) { return stub->GetProfile(c, get, &got); });
  ASSERT_TRUE(read.status.ok()) << read.status.error_message();
  EXPECT_EQ(got.display_name(), "Before the hang");
  TimedStatus written =
      Timed([&](grpc::ClientContext* c) { return stub->UpdateProfile(c, update, &got); });
  ASSERT_TRUE(written.status.ok()) << written.status.error_message();
  EXPECT_EQ(got.display_name(), "After the hang");
  EXPECT_FALSE(server->Wait(absl::ZeroDuration()).has_value()) << "the server exited";

  stub.reset();
  health.reset();
  channel.reset();
  server->Signal(SIGTERM);
  EXPECT_EQ(server->Wait(), 0) << server->Stderr();
}

}  // namespace
}  // namespace cp::testing

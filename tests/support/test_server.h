#pragma once

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "customerprofile/v1/profile_service.grpc.pb.h"
#include "domain/common/clock.h"
#include "domain/common/id_generator.h"
#include "server/json_log.h"
#include "server/server_runner.h"
#include "storage/store.h"
#include "tests/support/mysql_test_database.h"
#include "tests/support/temp_dir.h"

namespace cp::testing {

// TestServerOptions configures an in-process server for integration tests.
struct TestServerOptions {
  // Runner options; listen_address is always 127.0.0.1:`port`.
  server::ServerRunnerOptions runner;
  // The port to listen on; 0 picks a free one (see address()).
  int port = 0;
  // Whether Start runs MakeReady (migrations, then SERVING). When false the
  // test calls runner().MakeReady() itself.
  bool make_ready = true;
  // The server's clock; the system clock when null. Must outlive the
  // server (tests move a domain::FakeClock).
  const domain::Clock* clock = nullptr;
};

// TestServer is profile-server's gRPC server running in the test process on
// an ephemeral port of 127.0.0.1, reached over a real socket. It captures its
// JSON log lines for inspection. Shut down when destroyed.
class TestServer {
 public:
  // StartWithSqlite starts a server on a fresh, migrated SQLite store in a
  // temporary directory that is removed afterwards.
  static absl::StatusOr<std::unique_ptr<TestServer>> StartWithSqlite(
      TestServerOptions options = {});

  // StartWithMysql starts a server on a fresh, migrated database of the test
  // MariaDB (see MysqlTestDatabase), dropped afterwards. FAILED_PRECONDITION
  // with kNoMysqlTestServer when CP_TEST_MYSQL_URI is unset.
  static absl::StatusOr<std::unique_ptr<TestServer>> StartWithMysql(TestServerOptions options = {});

  // Start starts a server on `store`, which must outlive the server.
  static absl::StatusOr<std::unique_ptr<TestServer>> Start(storage::Store* store,
                                                           TestServerOptions options = {});

  // Passkey lets only the Start functions construct a TestServer.
  class Passkey {
    friend class TestServer;
    Passkey() = default;
  };
  explicit TestServer(Passkey) {}
  ~TestServer();
  TestServer(const TestServer&) = delete;
  TestServer& operator=(const TestServer&) = delete;

  // address returns "127.0.0.1:PORT".
  std::string address() const { return runner_->address(); }

  // NewChannel returns a channel with its own connection to the server, so
  // that two channels behave like two client processes.
  std::shared_ptr<grpc::Channel> NewChannel() const;

  // NewStub returns a ProfileService stub on a new channel.
  std::unique_ptr<customerprofile::v1::ProfileService::Stub> NewStub() const;

  server::ServerRunner& runner() { return *runner_; }
  storage::Store* store() { return store_; }

  // LogLines returns the JSON log lines written so far.
  std::vector<std::string> LogLines() const;

 private:
  absl::Status Init(storage::Store* store, TestServerOptions options);

  std::unique_ptr<TempDir> temp_dir_;
  // Dropped after owned_store_ has closed its connections.
  std::unique_ptr<MysqlTestDatabase> mysql_database_;
  std::unique_ptr<storage::Store> owned_store_;
  storage::Store* store_ = nullptr;
  domain::SystemClock clock_;
  domain::RandomIdGenerator ids_;
  mutable absl::Mutex log_mu_;
  std::vector<std::string> log_lines_ ABSL_GUARDED_BY(log_mu_);
  std::unique_ptr<server::JsonLog> log_;
  std::unique_ptr<server::ServerRunner> runner_;
};

}  // namespace cp::testing

#include "tests/support/test_server.h"

#include <atomic>
#include <utility>

#include "absl/strings/str_cat.h"
#include "storage/mysql/mysql_store.h"
#include "storage/sqlite/sqlite_store.h"

namespace cp::testing {

absl::StatusOr<std::unique_ptr<TestServer>> TestServer::StartWithSqlite(TestServerOptions options) {
  auto temp_dir = std::make_unique<TempDir>();
  storage::SqliteStoreOptions store_options;
  store_options.path = temp_dir->File("profiles.db");
  // As profile-server by default: GetProfile is answered from the cache
  // when it can be, so every integration test covers that path too.
  store_options.profile_cache_bytes = 16 << 20;
  absl::StatusOr<std::unique_ptr<storage::Store>> store = storage::OpenSqliteStore(store_options);
  if (!store.ok()) return store.status();
  auto server = std::make_unique<TestServer>(Passkey());
  server->temp_dir_ = std::move(temp_dir);
  server->owned_store_ = *std::move(store);
  if (absl::Status status = server->Init(server->owned_store_.get(), std::move(options));
      !status.ok()) {
    return status;
  }
  return server;
}

absl::StatusOr<std::unique_ptr<TestServer>> TestServer::StartWithMysql(TestServerOptions options) {
  absl::StatusOr<std::unique_ptr<MysqlTestDatabase>> database =
      MysqlTestDatabase::CreateOnTestServer("server");
  if (!database.ok()) return database.status();
  absl::StatusOr<std::unique_ptr<storage::Store>> store =
      storage::OpenMysqlStore((*database)->options());
  if (!store.ok()) return store.status();
  auto server = std::make_unique<TestServer>(Passkey());
  server->mysql_database_ = *std::move(database);
  server->owned_store_ = *std::move(store);
  if (absl::Status status = server->Init(server->owned_store_.get(), std::move(options));
      !status.ok()) {
    return status;
  }
  return server;
}

absl::StatusOr<std::unique_ptr<TestServer>> TestServer::Start(storage::Store* store,
                                                              TestServerOptions options) {
  auto server = std::make_unique<TestServer>(Passkey());
  if (absl::Status status = server->Init(store, std::move(options)); !status.ok()) return status;
  return server;
}

absl::Status TestServer::Init(storage::Store* store, TestServerOptions options) {
  store_ = store;
  log_ =
      std::make_unique<server::JsonLog>(server::LogLevel::kDebug, [this](absl::string_view line) {
        absl::MutexLock lock(&log_mu_);
        log_lines_.emplace_back(line);
      });
  options.runner.listen_address = absl::StrCat("127.0.0.1:", options.port);
  const domain::Clock* clock = options.clock != nullptr ? options.clock : &clock_;
  runner_ = std::make_unique<server::ServerRunner>(std::move(options.runner), store_, clock, &ids_,
                                                   log_.get());
  if (absl::Status status = runner_->Start(); !status.ok()) return status;
  if (options.make_ready) return runner_->MakeReady();
  return absl::OkStatus();
}

TestServer::~TestServer() {
  if (runner_ != nullptr) runner_->Shutdown(absl::Seconds(5));
}

std::shared_ptr<grpc::Channel> TestServer::NewChannel() const {
  static std::atomic<int> channel_number{0};
  grpc::ChannelArguments args;
  // A distinct argument keeps channels from sharing one subchannel.
  args.SetInt("cp.test_channel", channel_number.fetch_add(1));
  return grpc::CreateCustomChannel(address(), grpc::InsecureChannelCredentials(), args);
}

std::unique_ptr<customerprofile::v1::ProfileService::Stub> TestServer::NewStub() const {
  return customerprofile::v1::ProfileService::NewStub(NewChannel());
}

std::vector<std::string> TestServer::LogLines() const {
  absl::MutexLock lock(&log_mu_);
  return log_lines_;
}

}  // namespace cp::testing

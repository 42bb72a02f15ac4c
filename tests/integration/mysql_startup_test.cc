// profile-server's start against MySQL: bad credentials, unknown databases
// and (with --migrate=off) a schema that is not migrated end it quickly with
// one clear line, --migrate=only creates the schema, and --migrate=off
// leaves the schema alone.

#include <grpcpp/grpcpp.h>
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "customerprofile/v1/profile_service.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/migration.h"
#include "storage/mysql/mysql_uri.h"
#include "tests/support/mysql_test_database.h"
#include "tests/support/server_process.h"
#include "tests/support/temp_dir.h"

namespace cp::testing {
namespace {

namespace v1 = ::customerprofile::v1;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

// A failed start must end well within this (connecting fails at once).
constexpr absl::Duration kQuickExit = absl::Seconds(5);

// PlainLines returns the lines of `text` that are not JSON log lines: what
// the server prints for humans.
std::vector<std::string> PlainLines(const std::string& text) {
  std::vector<std::string> lines;
  for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
    if (!absl::StartsWith(line, "{")) lines.emplace_back(line);
  }
  return lines;
}

// Context returns a client context with a 10 s deadline.
std::unique_ptr<grpc::ClientContext> Context() {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  return context;
}

// MysqlStartupTest runs profile-server on a fresh database of the test
// MariaDB; skipped when CP_TEST_MYSQL_URI is unset.
class MysqlStartupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!MysqlTestServerOptions().has_value()) GTEST_SKIP() << kNoMysqlTestServer;
    absl::StatusOr<std::unique_ptr<MysqlTestDatabase>> database =
        MysqlTestDatabase::CreateOnTestServer("startup");
    ASSERT_TRUE(database.ok()) << database.status();
    database_ = *std::move(database);
  }

  // Spawn runs profile-server with `args` and the password in
  // PROFILE_SERVER_MYSQL_PASSWORD (the right one unless `password` is given).
  std::unique_ptr<ServerProcess> Spawn(std::vector<std::string> args,
                                       std::optional<std::string> password = std::nullopt) {
    args.push_back("--listen=127.0.0.1:0");
    std::unique_ptr<ServerProcess> process = ServerProcess::Spawn(
        args, dir_.File(absl::StrCat("server-", ++spawned_, ".err")),
        {"PROFILE_SERVER_MYSQL_PASSWORD=" + password.value_or(database_->password())});
    EXPECT_NE(process, nullptr);
    return process;
  }

  // ExpectQuickFailure waits for `process` to exit, expecting a non-zero
  // code within kQuickExit and exactly one plain line on stderr, which it
  // returns; no output may contain `secret`.
  std::string ExpectQuickFailure(ServerProcess& process, const std::string& secret) {
    absl::Time start = absl::Now();
    std::optional<int> code = process.Wait(absl::Seconds(30));
    EXPECT_LT(absl::Now() - start, kQuickExit);
    EXPECT_TRUE(code.has_value() && *code != 0) << code.value_or(-1);
    std::string err = process.Stderr();
    std::string out = process.RemainingStdout();
    EXPECT_THAT(err, Not(HasSubstr(secret)));
    EXPECT_THAT(out, Not(HasSubstr(secret)));
    EXPECT_THAT(out, Not(HasSubstr("listening on")));
    std::vector<std::string> lines = PlainLines(err);
    EXPECT_EQ(lines.size(), 1u) << err;
    return lines.empty() ? "" : lines.front();
  }

  // Tables returns the tables of the test's database.
  std::vector<std::string> Tables() {
    absl::StatusOr<std::vector<std::string>> tables = database_->Query(
        absl::StrCat("SELECT table_name FROM information_schema.tables WHERE table_schema = '",
                     database_->name(), "' ORDER BY table_name"));
    EXPECT_TRUE(tables.ok()) << tables.status();
    return tables.ok() ? *tables : std::vector<std::string>();
  }

  TempDir dir_;
  std::unique_ptr<MysqlTestDatabase> database_;
  int spawned_ = 0;
};

// Verifies that a wrong password, from the environment or from
// --mysql-password-file, ends the server quickly with exit code != 0 and one
// line saying access was denied, which shows neither password.
TEST_F(MysqlStartupTest, WrongPasswordExitsWithOneClearLine) {
  const std::string wrong = "wrong-Passw0rd-4711";
  std::unique_ptr<ServerProcess> from_env = Spawn({"--store=" + database_->Uri()}, wrong);
  ASSERT_NE(from_env, nullptr);
  std::string line = ExpectQuickFailure(*from_env, wrong);
  EXPECT_THAT(line, HasSubstr("profile-server: "));
  EXPECT_THAT(line, HasSubstr("access denied for user 'cp'"));
  EXPECT_THAT(line, HasSubstr(database_->Uri()));
  EXPECT_THAT(line, Not(HasSubstr(database_->password())));

  std::string password_file = dir_.File("password");
  std::ofstream(password_file) << wrong << "\n";
  std::unique_ptr<ServerProcess> from_file = Spawn(
      {"--store=" + database_->Uri(), "--mysql-password-file=" + password_file}, "ignored-42");
  ASSERT_NE(from_file, nullptr);
  line = ExpectQuickFailure(*from_file, wrong);
  EXPECT_THAT(line, HasSubstr("access denied for user 'cp'"));
  EXPECT_THAT(line, Not(HasSubstr(database_->password())));
  EXPECT_THAT(Tables(), IsEmpty());
}

// Verifies that an unknown database ends the server quickly with exit code
// != 0 and one line naming the database.
TEST_F(MysqlStartupTest, UnknownDatabaseExitsWithOneClearLine) {
  storage::MysqlStoreOptions options = database_->options();
  options.database = database_->name() + "_missing";
  std::unique_ptr<ServerProcess> process = Spawn({"--store=" + storage::MysqlEndpoint(options)});
  ASSERT_NE(process, nullptr);
  std::string line = ExpectQuickFailure(*process, database_->password());
  EXPECT_THAT(line, HasSubstr(absl::StrCat("database '", options.database, "' does not exist")));
}

// Verifies that --migrate=only creates the whole schema, records every
// migration, prints what it migrated and exits 0, and that running it again
// changes nothing; a --migrate=off server then serves that database.
TEST_F(MysqlStartupTest, MigrateOnlyCreatesTheSchemaAndExits) {
  for (int run = 0; run < 2; ++run) {
    std::unique_ptr<ServerProcess> migrate =
        Spawn({"--store=" + database_->Uri(), "--migrate=only"});
    ASSERT_NE(migrate, nullptr);
    EXPECT_EQ(migrate->Wait(), 0) << migrate->Stderr();
    EXPECT_THAT(migrate->RemainingStdout(),
                HasSubstr("profile-server migrated store " + database_->Uri()));
  }
  std::vector<std::string> tables = Tables();
  for (const char* table : {"idempotency_keys", "profile_contact_points", "profile_external_ids",
                            "profile_tags", "profiles", "schema_migrations"}) {
    EXPECT_NE(std::find(tables.begin(), tables.end(), table), tables.end()) << table;
  }
  absl::StatusOr<std::vector<std::string>> versions =
      database_->Query("SELECT COUNT(*) FROM schema_migrations");
  ASSERT_TRUE(versions.ok()) << versions.status();
  EXPECT_EQ(*versions, std::vector<std::string>{absl::StrCat(storage::MysqlMigrations().size())});

  std::unique_ptr<ServerProcess> server = Spawn({"--store=" + database_->Uri(), "--migrate=off"});
  ASSERT_NE(server, nullptr);
  std::string address = server->WaitUntilListening();
  ASSERT_FALSE(address.empty()) << server->Stderr();
  {
    auto stub = v1::ProfileService::NewStub(
        grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
    v1::CreateProfileRequest request;
    request.mutable_profile()->set_display_name("Served");
    v1::Profile created;
    grpc::Status status = stub->CreateProfile(Context().get(), request, &created);
    EXPECT_TRUE(status.ok()) << status.error_message();
  }
  server->Signal(SIGTERM);
  EXPECT_EQ(server->Wait(), 0) << server->Stderr();
}

// Verifies that --migrate=off on a database without the schema refuses to
// start (docs/storage.md): exit code != 0 within moments, one line saying
// the schema is not migrated and how to migrate it, and the database left
// alone.
TEST_F(MysqlStartupTest, MigrateOffOnAnEmptyDatabaseRefusesToStart) {
  std::unique_ptr<ServerProcess> server = Spawn({"--store=" + database_->Uri(), "--migrate=off"});
  ASSERT_NE(server, nullptr);
  std::string line = ExpectQuickFailure(*server, database_->password());
  EXPECT_THAT(line, HasSubstr("profile-server: schema not migrated: " + database_->Uri() +
                              " has no schema yet"));
  EXPECT_THAT(line, HasSubstr("run profile-server with --migrate=only (or auto)"));
  EXPECT_THAT(server->Stderr(), HasSubstr("schema_check_failed"));
  EXPECT_THAT(Tables(), IsEmpty());
}

// Verifies that --migrate=off on a database that lacks the newest migration
// refuses to start, naming the missing migration.
TEST_F(MysqlStartupTest, MigrateOffOnAPartlyMigratedDatabaseRefusesToStart) {
  std::unique_ptr<ServerProcess> migrate = Spawn({"--store=" + database_->Uri(), "--migrate=only"});
  ASSERT_NE(migrate, nullptr);
  ASSERT_EQ(migrate->Wait(), 0) << migrate->Stderr();
  const storage::Migration& newest = storage::MysqlMigrations().back();
  ASSERT_TRUE(
      database_
          ->Execute(absl::StrCat("DELETE FROM schema_migrations WHERE version = ", newest.version))
          .ok());

  std::unique_ptr<ServerProcess> server = Spawn({"--store=" + database_->Uri(), "--migrate=off"});
  ASSERT_NE(server, nullptr);
  std::string line = ExpectQuickFailure(*server, database_->password());
  EXPECT_THAT(line,
              HasSubstr(absl::StrCat("lacks migration ", newest.version, " (", newest.name, ")")));
  EXPECT_THAT(line, HasSubstr("--migrate=only"));
}

// Verifies that a table missing while the server runs (here renamed away
// under a --migrate=off server) makes calls fail with FAILED_PRECONDITION
// naming MySQL error 1146 and hinting at --migrate=only, and that the same
// process serves again once the table is back.
TEST_F(MysqlStartupTest, MissingTableAtRunTimeHintsAtMigrating) {
  std::unique_ptr<ServerProcess> migrate = Spawn({"--store=" + database_->Uri(), "--migrate=only"});
  ASSERT_NE(migrate, nullptr);
  ASSERT_EQ(migrate->Wait(), 0) << migrate->Stderr();
  std::unique_ptr<ServerProcess> server = Spawn({"--store=" + database_->Uri(), "--migrate=off"});
  ASSERT_NE(server, nullptr);
  std::string address = server->WaitUntilListening();
  ASSERT_FALSE(address.empty()) << server->Stderr();
  auto stub =
      v1::ProfileService::NewStub(grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));

  ASSERT_TRUE(database_->Execute("RENAME TABLE profiles TO profiles_away").ok());
  v1::GetProfileRequest get;
  get.set_name("profiles/anyone");
  v1::Profile profile;
  absl::Time start = absl::Now();
  grpc::Status status = stub->GetProfile(Context().get(), get, &profile);
  EXPECT_LT(absl::Now() - start, absl::Seconds(2));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << status.error_message();
  EXPECT_THAT(status.error_message(), HasSubstr("MySQL error 1146"));
  EXPECT_THAT(status.error_message(), HasSubstr("run profile-server with --migrate=only"));

  ASSERT_TRUE(database_->Execute("RENAME TABLE profiles_away TO profiles").ok());
  status = stub->GetProfile(Context().get(), get, &profile);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND) << status.error_message();

  stub.reset();
  server->Signal(SIGTERM);
  EXPECT_EQ(server->Wait(), 0) << server->Stderr();
}

}  // namespace
}  // namespace cp::testing

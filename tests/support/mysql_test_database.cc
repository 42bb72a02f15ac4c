#include "tests/support/mysql_test_database.h"

#include <prepared_statement.h>
#include <resultset.h>

#include <cstdlib>
#include <utility>

#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "storage/mysql/mysql_connection.h"
#include "storage/mysql/mysql_uri.h"

namespace cp::testing {
namespace {

constexpr absl::Duration kConnectTimeout = absl::Seconds(10);

}  // namespace

std::optional<storage::MysqlStoreOptions> MysqlTestServerOptions() {
  const char* uri = std::getenv("CP_TEST_MYSQL_URI");
  if (uri == nullptr || *uri == '\0') return std::nullopt;
  absl::StatusOr<storage::MysqlStoreOptions> options = storage::ParseMysqlUri(uri);
  if (!options.ok()) {
    ADD_FAILURE() << "CP_TEST_MYSQL_URI: " << options.status();
    return std::nullopt;
  }
  if (const char* password = std::getenv("CP_MYSQL_PASSWORD")) options->password = password;
  return *std::move(options);
}

absl::Status MysqlExecute(const storage::MysqlStoreOptions& options, const std::string& sql) {
  absl::StatusOr<std::unique_ptr<storage::MysqlConnection>> connection =
      storage::MysqlConnection::Open(options, absl::Now() + kConnectTimeout);
  if (!connection.ok()) return connection.status();
  return (*connection)->Call("test statement", [&]() { (*connection)->Execute(sql); });
}

absl::StatusOr<std::vector<std::string>> MysqlQuery(const storage::MysqlStoreOptions& options,
                                                    const std::string& sql) {
  absl::StatusOr<std::unique_ptr<storage::MysqlConnection>> connection =
      storage::MysqlConnection::Open(options, absl::Now() + kConnectTimeout);
  if (!connection.ok()) return connection.status();
  std::vector<std::string> values;
  absl::Status status = (*connection)->Call("test query", [&]() {
    std::unique_ptr<::sql::ResultSet> rows((*connection)->Prepare(sql).executeQuery());
    while (rows->next()) values.push_back(rows->isNull(1) ? "" : rows->getString(1));
  });
  if (!status.ok()) return status;
  return values;
}

absl::StatusOr<std::unique_ptr<MysqlTestDatabase>> MysqlTestDatabase::Create(
    const storage::MysqlStoreOptions& server, absl::string_view prefix) {
  absl::BitGen random;
  std::string name = absl::StrFormat("cp_%s_%016x", prefix, absl::Uniform<uint64_t>(random));
  absl::Status created = MysqlExecute(
      server, absl::StrCat("CREATE DATABASE ", name, " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"));
  if (!created.ok()) return created;
  return std::make_unique<MysqlTestDatabase>(Passkey(), server, std::move(name));
}

absl::StatusOr<std::unique_ptr<MysqlTestDatabase>> MysqlTestDatabase::CreateOnTestServer(
    absl::string_view prefix) {
  std::optional<storage::MysqlStoreOptions> server = MysqlTestServerOptions();
  if (!server.has_value()) return absl::FailedPreconditionError(kNoMysqlTestServer);
  return Create(*server, prefix);
}

MysqlTestDatabase::MysqlTestDatabase(Passkey, storage::MysqlStoreOptions server, std::string name)
    : server_(std::move(server)), name_(std::move(name)) {}

MysqlTestDatabase::~MysqlTestDatabase() {
  absl::Status dropped = MysqlExecute(server_, absl::StrCat("DROP DATABASE IF EXISTS ", name_));
  EXPECT_TRUE(dropped.ok()) << "dropping " << name_ << ": " << dropped;
}

storage::MysqlStoreOptions MysqlTestDatabase::options() const {
  storage::MysqlStoreOptions options = server_;
  options.database = name_;
  return options;
}

std::string MysqlTestDatabase::Uri() const { return storage::MysqlEndpoint(options()); }

absl::Status MysqlTestDatabase::Execute(const std::string& sql) const {
  return MysqlExecute(options(), sql);
}

absl::StatusOr<std::vector<std::string>> MysqlTestDatabase::Query(const std::string& sql) const {
  return MysqlQuery(options(), sql);
}

}  // namespace cp::testing

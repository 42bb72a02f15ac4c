#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "storage/mysql/mysql_store.h"

namespace cp::testing {

// kNoMysqlTestServer is the skip message of MySQL tests when there is no
// test MariaDB.
inline constexpr absl::string_view kNoMysqlTestServer =
    "CP_TEST_MYSQL_URI is not set: start a test MariaDB with `scripts/mariadb.sh start DIR` and "
    "`source DIR/env` (make test does this)";

// MysqlTestServerOptions returns the connection options of the test MariaDB
// that `make test` (scripts/mariadb.sh) runs: CP_TEST_MYSQL_URI with the
// password from CP_MYSQL_PASSWORD. nullopt when CP_TEST_MYSQL_URI is unset
// or empty; a URI that does not parse fails the current test.
std::optional<storage::MysqlStoreOptions> MysqlTestServerOptions();

// MysqlExecute runs one statement without result rows (DDL, KILL, ...) on a
// new connection made with `options`.
absl::Status MysqlExecute(const storage::MysqlStoreOptions& options, const std::string& sql);

// MysqlQuery runs one query on a new connection made with `options` and
// returns the first column of every row as text ("" for NULL).
absl::StatusOr<std::vector<std::string>> MysqlQuery(const storage::MysqlStoreOptions& options,
                                                    const std::string& sql);

// MysqlTestDatabase is a fresh, empty database cp_<prefix>_<random> (utf8mb4,
// binary collation) on a MySQL server, dropped when the object is destroyed.
// Every MySQL test uses one, so tests never see each other's rows.
class MysqlTestDatabase {
 public:
  // Create makes a database on the server `server` reaches (its own
  // database only serves to connect). `prefix` is lower-case letters,
  // digits and '_', e.g. "contract".
  static absl::StatusOr<std::unique_ptr<MysqlTestDatabase>> Create(
      const storage::MysqlStoreOptions& server, absl::string_view prefix = "test");

  // CreateOnTestServer makes a database on the test MariaDB
  // (MysqlTestServerOptions); FAILED_PRECONDITION with kNoMysqlTestServer
  // when there is none.
  static absl::StatusOr<std::unique_ptr<MysqlTestDatabase>> CreateOnTestServer(
      absl::string_view prefix = "test");

  // Passkey lets only the Create functions construct a MysqlTestDatabase.
  class Passkey {
    friend class MysqlTestDatabase;
    Passkey() = default;
  };
  MysqlTestDatabase(Passkey, storage::MysqlStoreOptions server, std::string name);
  // ~MysqlTestDatabase drops the database; a failure fails the current test.
  ~MysqlTestDatabase();
  MysqlTestDatabase(const MysqlTestDatabase&) = delete;
  MysqlTestDatabase& operator=(const MysqlTestDatabase&) = delete;

  // name returns the database's name, e.g. "cp_test_0123456789abcdef".
  const std::string& name() const { return name_; }

  // options returns the server's connection options with this database.
  storage::MysqlStoreOptions options() const;

  // Uri returns "mysql://USER@HOST:PORT/NAME" (or the ?socket= form), for
  // profile-server's --store flag: never with the password.
  std::string Uri() const;

  // password returns the password `options()` carries.
  const std::string& password() const { return server_.password; }

  // Execute runs `sql` (no result rows) in this database.
  absl::Status Execute(const std::string& sql) const;

  // Query runs `sql` in this database and returns its first column.
  absl::StatusOr<std::vector<std::string>> Query(const std::string& sql) const;

 private:
  storage::MysqlStoreOptions server_;
  std::string name_;
};

}  // namespace cp::testing

#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "storage/sqlite/sqlite_connection.h"

namespace cp::storage {

// SqliteConnectionPool holds a fixed number of open connections to one
// database and lends each to one borrower at a time. Thread-safe.
class SqliteConnectionPool {
 public:
  // Lease is a borrowed connection, returned to the pool on destruction.
  class Lease {
   public:
    Lease(SqliteConnectionPool* pool, std::unique_ptr<SqliteConnection> connection);
    ~Lease();
    Lease(Lease&& other) noexcept = default;
    Lease& operator=(Lease&& other) = delete;
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;

    SqliteConnection& operator*() const { return *connection_; }
    SqliteConnection* operator->() const { return connection_.get(); }

   private:
    SqliteConnectionPool* pool_;
    std::unique_ptr<SqliteConnection> connection_;
  };

  // Open opens `size` connections (at least one) to the database at `path`.
  static absl::StatusOr<std::unique_ptr<SqliteConnectionPool>> Open(const std::string& path,
                                                                    int size,
                                                                    absl::Duration busy_timeout);

  explicit SqliteConnectionPool(std::vector<std::unique_ptr<SqliteConnection>> connections);

  // Borrow lends an idle connection, waiting for one until `deadline`;
  // UNAVAILABLE when none became idle in time.
  absl::StatusOr<Lease> Borrow(absl::Time deadline);

 private:
  void Return(std::unique_ptr<SqliteConnection> connection);
  bool HasIdle() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return !idle_.empty(); }

  absl::Mutex mu_;
  std::vector<std::unique_ptr<SqliteConnection>> idle_ ABSL_GUARDED_BY(mu_);
};

}  // namespace cp::storage

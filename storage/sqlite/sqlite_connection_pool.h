#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "storage/sqlite/sqlite_connection.h"
#include "storage/store_stats.h"

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

  // Stats returns how many connections are lent and how often borrowers
  // waited.
  ConnectionPoolStats Stats() const;

 private:
  void Return(std::unique_ptr<SqliteConnection> connection);
  bool HasIdle() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return !idle_.empty(); }

  const int size_;
  mutable absl::Mutex mu_;
  std::vector<std::unique_ptr<SqliteConnection>> idle_ ABSL_GUARDED_BY(mu_);
  uint64_t waits_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t wait_timeouts_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace cp::storage

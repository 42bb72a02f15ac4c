#pragma once

#include <memory>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "storage/mysql/mysql_connection.h"
#include "storage/mysql/mysql_statement_watchdog.h"
#include "storage/mysql/mysql_store.h"
#include "storage/store_stats.h"

namespace cp::storage {

// MysqlConnectionPool lends at most options.pool_size connections, each to
// one borrower at a time, connecting lazily. A connection returned broken is
// discarded together with every idle one (after a server restart they are
// all dead), so the next borrower reconnects. Thread-safe.
//
// When no healthy connection can be had in time, Borrow fails with
// UNAVAILABLE and a google.rpc.RetryInfo of kRetryDelay: the database is
// down, stopped or overloaded, and retrying at once would only add to it.
class MysqlConnectionPool {
 public:
  // Lease is a borrowed connection, returned to the pool on destruction.
  class Lease {
   public:
    Lease(MysqlConnectionPool* pool, std::unique_ptr<MysqlConnection> connection);
    ~Lease();
    Lease(Lease&& other) noexcept = default;
    Lease& operator=(Lease&& other) = delete;
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;

    MysqlConnection& operator*() const { return *connection_; }
    MysqlConnection* operator->() const { return connection_.get(); }

   private:
    MysqlConnectionPool* pool_;
    std::unique_ptr<MysqlConnection> connection_;
  };

  // The retry delay a failed Borrow asks for.
  static constexpr absl::Duration kRetryDelay = absl::Seconds(1);

  // MysqlConnectionPool connects as `options` say; `watchdog` (which must
  // outlive the pool) bounds setting up each new session by the borrower's
  // deadline.
  MysqlConnectionPool(MysqlStoreOptions options, MysqlStatementWatchdog* watchdog);
  ~MysqlConnectionPool();

  // Borrow lends an idle connection or opens a new one while fewer than
  // pool_size exist; otherwise waits for one until `deadline`, then fails
  // with UNAVAILABLE. Connecting fails as MysqlConnection::Open does (by
  // `deadline`); its UNAVAILABLE carries the retry delay too.
  absl::StatusOr<Lease> Borrow(absl::Time deadline);

  const MysqlStoreOptions& options() const { return options_; }

  // Stats returns how many connections are open and lent and how often
  // borrowers waited.
  ConnectionPoolStats Stats() const;

 private:
  void Return(std::unique_ptr<MysqlConnection> connection);
  bool CanLend() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return !idle_.empty() || open_ < options_.pool_size;
  }

  const MysqlStoreOptions options_;
  MysqlStatementWatchdog* const watchdog_;
  mutable absl::Mutex mu_;
  std::vector<std::unique_ptr<MysqlConnection>> idle_ ABSL_GUARDED_BY(mu_);
  uint64_t waits_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t wait_timeouts_ ABSL_GUARDED_BY(mu_) = 0;
  // Idle, lent and connecting connections.
  int open_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace cp::storage

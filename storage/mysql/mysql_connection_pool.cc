#include "storage/mysql/mysql_connection_pool.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "storage/mysql/mysql_driver.h"
#include "storage/retry_info.h"

namespace cp::storage {

MysqlConnectionPool::Lease::Lease(MysqlConnectionPool* pool,
                                  std::unique_ptr<MysqlConnection> connection)
    : pool_(pool), connection_(std::move(connection)) {}

MysqlConnectionPool::Lease::~Lease() {
  if (connection_ != nullptr) pool_->Return(std::move(connection_));
}

MysqlConnectionPool::MysqlConnectionPool(MysqlStoreOptions options,
                                         MysqlStatementWatchdog* watchdog)
    : options_(std::move(options)), watchdog_(watchdog) {}

MysqlConnectionPool::~MysqlConnectionPool() {
  EnsureMysqlThread();
  absl::MutexLock lock(&mu_);
  idle_.clear();
}

absl::StatusOr<MysqlConnectionPool::Lease> MysqlConnectionPool::Borrow(absl::Time deadline) {
  EnsureMysqlThread();
  mu_.Lock();
  if (!CanLend()) {
    ++waits_;
    mu_.AwaitWithDeadline(absl::Condition(this, &MysqlConnectionPool::CanLend), deadline);
  }
  if (!idle_.empty()) {
    std::unique_ptr<MysqlConnection> connection = std::move(idle_.back());
    idle_.pop_back();
    mu_.Unlock();
    return Lease(this, std::move(connection));
  }
  if (open_ >= options_.pool_size) {
    ++wait_timeouts_;
    mu_.Unlock();
    return WithRetryInfo(
        absl::UnavailableError(absl::StrCat("all ", options_.pool_size,
                                            " MySQL connections stayed busy until the deadline")),
        kRetryDelay);
  }
  ++open_;
  mu_.Unlock();
  absl::StatusOr<std::unique_ptr<MysqlConnection>> connection =
      MysqlConnection::Open(options_, deadline, watchdog_);
  if (!connection.ok()) {
    absl::MutexLock lock(&mu_);
    --open_;
    if (absl::IsUnavailable(connection.status())) {
      return WithRetryInfo(connection.status(), kRetryDelay);
    }
    return connection.status();
  }
  return Lease(this, *std::move(connection));
}

ConnectionPoolStats MysqlConnectionPool::Stats() const {
  absl::MutexLock lock(&mu_);
  return {.capacity = options_.pool_size,
          .open = open_,
          .in_use = open_ - static_cast<int>(idle_.size()),
          .waits = waits_,
          .wait_timeouts = wait_timeouts_};
}

void MysqlConnectionPool::Return(std::unique_ptr<MysqlConnection> connection) {
  std::vector<std::unique_ptr<MysqlConnection>> discarded;
  {
    absl::MutexLock lock(&mu_);
    if (!connection->broken()) {
      idle_.push_back(std::move(connection));
      return;
    }
    discarded.swap(idle_);
    open_ -= static_cast<int>(discarded.size()) + 1;
  }
  // Closed outside the lock: closing a dead connection may wait on the network.
  discarded.clear();
  connection.reset();
}

}  // namespace cp::storage

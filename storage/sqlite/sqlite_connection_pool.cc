#include "storage/sqlite/sqlite_connection_pool.h"

#include <algorithm>
#include <utility>

namespace cp::storage {

SqliteConnectionPool::Lease::Lease(SqliteConnectionPool* pool,
                                   std::unique_ptr<SqliteConnection> connection)
    : pool_(pool), connection_(std::move(connection)) {}

SqliteConnectionPool::Lease::~Lease() {
  if (connection_ != nullptr) pool_->Return(std::move(connection_));
}

absl::StatusOr<std::unique_ptr<SqliteConnectionPool>> SqliteConnectionPool::Open(
    const std::string& path, int size, absl::Duration busy_timeout) {
  std::vector<std::unique_ptr<SqliteConnection>> connections;
  for (int i = 0; i < std::max(size, 1); ++i) {
    absl::StatusOr<std::unique_ptr<SqliteConnection>> connection =
        SqliteConnection::Open(path, busy_timeout);
    if (!connection.ok()) return connection.status();
    connections.push_back(*std::move(connection));
  }
  return std::make_unique<SqliteConnectionPool>(std::move(connections));
}

SqliteConnectionPool::SqliteConnectionPool(
    std::vector<std::unique_ptr<SqliteConnection>> connections)
    : size_(static_cast<int>(connections.size())), idle_(std::move(connections)) {}

absl::StatusOr<SqliteConnectionPool::Lease> SqliteConnectionPool::Borrow(absl::Time deadline) {
  mu_.Lock();
  if (idle_.empty()) {
    ++waits_;
    mu_.AwaitWithDeadline(absl::Condition(this, &SqliteConnectionPool::HasIdle), deadline);
  }
  if (idle_.empty()) {
    ++wait_timeouts_;
    mu_.Unlock();
    return absl::UnavailableError("timed out waiting for a free database connection");
  }
  std::unique_ptr<SqliteConnection> connection = std::move(idle_.back());
  idle_.pop_back();
  mu_.Unlock();
  return Lease(this, std::move(connection));
}

ConnectionPoolStats SqliteConnectionPool::Stats() const {
  absl::MutexLock lock(&mu_);
  return {.capacity = size_,
          .open = size_,
          .in_use = size_ - static_cast<int>(idle_.size()),
          .waits = waits_,
          .wait_timeouts = wait_timeouts_};
}

void SqliteConnectionPool::Return(std::unique_ptr<SqliteConnection> connection) {
  absl::MutexLock lock(&mu_);
  idle_.push_back(std::move(connection));
}

}  // namespace cp::storage

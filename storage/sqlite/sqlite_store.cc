#include "storage/sqlite/sqlite_store.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <set>
#include <system_error>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "storage/match_key_backfill.h"
#include "storage/migration.h"
#include "storage/sqlite/sqlite_connection_pool.h"
#include "storage/sqlite/sqlite_migrator.h"
#include "storage/sqlite/sqlite_transaction.h"
#include "storage/transaction_counters.h"

namespace cp::storage {
namespace {

// A transaction that met a lock held elsewhere (SQLITE_BUSY) runs again at
// most this many times in all, while its lock wait budget lasts.
constexpr int kMaxAttempts = 4;

constexpr absl::string_view kBeginDeferred = "BEGIN";
constexpr absl::string_view kBeginImmediate = "BEGIN IMMEDIATE";
constexpr absl::string_view kCommit = "COMMIT";
constexpr absl::string_view kRollback = "ROLLBACK";

absl::Status Execute(SqliteConnection& connection, absl::string_view sql) {
  absl::StatusOr<SqliteStatement> statement = connection.Prepare(sql);
  if (!statement.ok()) return statement.status();
  return statement->Execute();
}

// WriterGate lets one writer of this process at a time start a write
// transaction. SQLite allows only one writer anyway; queueing here wakes the
// next writer at once instead of leaving it to SQLite's sleeping busy
// handler. Other processes are still kept out by SQLite's own lock.
class WriterGate {
 public:
  // Enter waits until no other writer is inside or `deadline` passes;
  // returns whether it entered.
  bool Enter(absl::Time deadline) {
    mu_.LockWhenWithDeadline(absl::Condition(this, &WriterGate::IsFree), deadline);
    bool entered = !busy_;
    if (entered) busy_ = true;
    mu_.Unlock();
    return entered;
  }
  void Leave() {
    absl::MutexLock lock(&mu_);
    busy_ = false;
  }

 private:
  bool IsFree() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return !busy_; }

  absl::Mutex mu_;
  bool busy_ ABSL_GUARDED_BY(mu_) = false;
};

// FileLock holds a flock(2) on a file while it lives: exclusive for a
// store with a cache, shared for one without. flock locks are apart from
// the fcntl(2) locks SQLite takes, so they keep out other processes' stores
// without touching SQLite's own locking: any number of stores without a
// cache may share a file, a store with one has it to itself.
class FileLock {
 public:
  static absl::StatusOr<std::unique_ptr<FileLock>> Acquire(const std::string& path,
                                                           bool exclusive) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      return absl::UnavailableError(
          absl::StrCat("cannot open ", path, " to lock it: ", std::strerror(errno)));
    }
    if (::flock(fd, (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB) != 0) {
      int error = errno;
      ::close(fd);
      if (error == EWOULDBLOCK) {
        return absl::FailedPreconditionError(absl::StrCat(
            "sqlite:", path,
            exclusive ? " is in use by another process (another profile-server?); a server "
                        "that caches profiles (--profile_cache_mb > 0) needs it to itself"
                      : " is in use by a profile-server that caches profiles and needs it to "
                        "itself; stop that server first"));
      }
      return absl::UnavailableError(absl::StrCat("cannot lock ", path, ": ", std::strerror(error)));
    }
    return std::unique_ptr<FileLock>(new FileLock(fd));
  }
  ~FileLock() { ::close(fd_); }
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

 private:
  explicit FileLock(int fd) : fd_(fd) {}
  int fd_;
};

class SqliteStore final : public Store {
 public:
  SqliteStore(SqliteStoreOptions options, std::unique_ptr<SqliteConnectionPool> pool,
              std::unique_ptr<FileLock> lock)
      : options_(std::move(options)), pool_(std::move(pool)), lock_(std::move(lock)) {
    if (options_.profile_cache_bytes > 0) {
      cache_ = std::make_unique<ProfileCache>(options_.profile_cache_bytes);
    }
  }

  ~SqliteStore() override {
    if (!options_.remove_on_close) return;
    pool_.reset();
    lock_.reset();
    std::error_code ignored;
    for (const char* suffix : {"", "-wal", "-shm"}) {
      std::filesystem::remove(options_.path + suffix, ignored);
    }
  }

  ProfileCache* profile_cache() override { return cache_.get(); }

  absl::Status Migrate() override {
    absl::Time deadline = absl::Now() + options_.busy_timeout;
    if (!gate_.Enter(deadline)) return absl::UnavailableError("timed out waiting to migrate");
    absl::Status status = [&]() -> absl::Status {
      absl::StatusOr<SqliteConnectionPool::Lease> lease = pool_->Borrow(deadline);
      if (!lease.ok()) return lease.status();
      (*lease)->SetBusyTimeout(options_.busy_timeout);
      return ApplySqliteMigrations(**lease, SqliteMigrations(), absl::Now());
    }();
    gate_.Leave();
    if (!status.ok()) return status;
    return BackfillMatchKeys(*this);
  }

  absl::Status CheckSchema() override {
    absl::StatusOr<SqliteConnectionPool::Lease> lease =
        pool_->Borrow(absl::Now() + options_.busy_timeout);
    if (!lease.ok()) return lease.status();
    absl::StatusOr<std::set<int>> applied = ReadAppliedSqliteMigrations(**lease);
    if (!applied.ok()) return applied.status();
    return CheckMigrationsApplied(Describe(), SqliteMigrations(), *applied);
  }

  absl::Status Run(TransactionMode mode, absl::Time deadline,
                   absl::FunctionRef<absl::Status(Transaction&)> body) override {
    bool write = mode == TransactionMode::kReadWrite;
    // Waiting for the write lock (here and in SQLite) is bounded by the busy
    // timeout as well as by the deadline.
    absl::Time lock_deadline =
        write ? std::min(deadline, absl::Now() + options_.busy_timeout) : deadline;
    if (write && !gate_.Enter(lock_deadline)) {
      return absl::UnavailableError("timed out waiting for the database write lock");
    }
    bool wrote_changes = false;
    absl::Status status = RunWithConnection(write, deadline, lock_deadline, body, &wrote_changes);
    if (write) gate_.Leave();
    if (status.ok() && wrote_changes) TellListener();
    return status;
  }

  // TellListener runs the change listener, if any.
  void TellListener() {
    absl::MutexLock lock(&listener_mu_);
    if (change_listener_) change_listener_();
  }

  void SetChangeListener(std::function<void()> listener) override {
    absl::MutexLock lock(&listener_mu_);
    change_listener_ = std::move(listener);
  }

  std::string Describe() const override { return absl::StrCat("sqlite:", options_.path); }

  StoreStats Stats() const override {
    StoreStats stats;
    if (pool_ != nullptr) stats.pool = pool_->Stats();
    counters_.Fill(stats);
    return stats;
  }

 private:
  absl::Status RunWithConnection(bool write, absl::Time deadline, absl::Time lock_deadline,
                                 absl::FunctionRef<absl::Status(Transaction&)> body,
                                 bool* wrote_changes) {
    absl::StatusOr<SqliteConnectionPool::Lease> lease = pool_->Borrow(deadline);
    if (!lease.ok()) return lease.status();
    SqliteConnection& connection = **lease;
    for (int attempt = 1;; ++attempt) {
      absl::Duration remaining = lock_deadline - absl::Now();
      if (remaining <= absl::ZeroDuration()) {
        counters_.CountAbort(AbortCause::kDeadline);
        return absl::UnavailableError("the database stayed locked until the deadline");
      }
      connection.SetBusyTimeout(std::min(remaining, options_.busy_timeout));
      connection.ClearBusy();
      absl::Status status = RunOnce(connection, write, cache_.get(), body, wrote_changes);
      if (status.ok() || !connection.BusySeen()) return status;
      if (attempt == kMaxAttempts) {
        counters_.CountAbort(AbortCause::kBusy);
        return absl::UnavailableError(absl::StrCat("the database is busy: ", status.message()));
      }
      counters_.CountRetry(RetryCause::kBusy);
    }
  }

  static absl::Status RunOnce(SqliteConnection& connection, bool write, ProfileCache* cache,
                              absl::FunctionRef<absl::Status(Transaction&)> body,
                              bool* wrote_changes) {
    // A reader's ticket is taken before its snapshot (the first read) exists.
    uint64_t ticket = cache != nullptr && !write ? cache->Ticket() : ProfileCache::kNoTicket;
    if (absl::Status s = Execute(connection, write ? kBeginImmediate : kBeginDeferred); !s.ok()) {
      return s;
    }
    SqliteTransaction transaction(&connection, /*read_only=*/!write, cache, ticket);
    absl::Status status = body(transaction);
    // The change rows go last, right before the commit.
    if (status.ok()) status = transaction.FlushChanges(wrote_changes);
    if (status.ok()) {
      const std::vector<std::string>& written = transaction.written_profiles();
      bool tell_cache = cache != nullptr && !written.empty();
      if (tell_cache) cache->BeginWrite(written);
      status = Execute(connection, kCommit);
      if (tell_cache) cache->EndWrite(written);
    }
    // A failed COMMIT or some errors (e.g. disk full) may have ended the
    // transaction already.
    if (!status.ok() && connection.InTransaction()) {
      Execute(connection, kRollback).IgnoreError();
    }
    return status;
  }

  const SqliteStoreOptions options_;
  std::unique_ptr<SqliteConnectionPool> pool_;
  TransactionCounters counters_;
  // Held while the store is open (exclusive when it has a cache).
  std::unique_ptr<FileLock> lock_;
  std::unique_ptr<ProfileCache> cache_;
  WriterGate gate_;
  // Set while commits may run (a server stopping before its store closes).
  absl::Mutex listener_mu_;
  std::function<void()> change_listener_ ABSL_GUARDED_BY(listener_mu_);
};

}  // namespace

absl::StatusOr<std::unique_ptr<Store>> OpenSqliteStore(const SqliteStoreOptions& options) {
  if (options.path.empty()) return absl::InvalidArgumentError("the SQLite path is empty");
  std::filesystem::path parent = std::filesystem::path(options.path).parent_path();
  if (!parent.empty()) {
    std::error_code error;
    std::filesystem::create_directories(parent, error);
    if (error) {
      return absl::UnavailableError(
          absl::StrCat("cannot create the folder ", parent.string(), ": ", error.message()));
    }
  }
  absl::StatusOr<std::unique_ptr<SqliteConnectionPool>> pool =
      SqliteConnectionPool::Open(options.path, options.pool_size, options.busy_timeout);
  if (!pool.ok()) return pool.status();
  absl::StatusOr<std::unique_ptr<FileLock>> lock =
      FileLock::Acquire(options.path, /*exclusive=*/options.profile_cache_bytes > 0);
  if (!lock.ok()) return lock.status();
  return std::make_unique<SqliteStore>(options, *std::move(pool), *std::move(lock));
}

}  // namespace cp::storage

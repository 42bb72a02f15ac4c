#include "storage/mysql/mysql_store.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <utility>

#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "storage/match_key_backfill.h"
#include "storage/migration.h"
#include "storage/mysql/mysql_connection.h"
#include "storage/mysql/mysql_connection_pool.h"
#include "storage/mysql/mysql_migrator.h"
#include "storage/mysql/mysql_statement_watchdog.h"
#include "storage/mysql/mysql_transaction.h"
#include "storage/mysql/mysql_uri.h"
#include "storage/transaction_counters.h"

namespace cp::storage {
namespace {

// Migrations may run long DDL: their connection reads with this timeout.
constexpr absl::Duration kMigrationIoTimeout = absl::Hours(1);
constexpr absl::Duration kFirstBackoff = absl::Milliseconds(5);
constexpr absl::Duration kMaxBackoff = absl::Milliseconds(250);

// LockWaitSeconds is the lock wait timeout for a transaction that must end
// by `deadline`: what is left of it in whole seconds (rounded down, so the
// wait ends before the deadline), at most options.lock_wait_timeout, at
// least one second (MySQL's granularity).
int LockWaitSeconds(const MysqlStoreOptions& options, absl::Time deadline) {
  absl::Duration wait = std::min(options.lock_wait_timeout, deadline - absl::Now());
  return static_cast<int>(std::max(1.0, std::floor(absl::ToDoubleSeconds(wait))));
}

// Backoff is the jittered pause before retry number `retry` (from 1).
absl::Duration Backoff(int retry) {
  thread_local absl::BitGen random;
  absl::Duration base = std::min(kMaxBackoff, kFirstBackoff * (1 << std::min(retry - 1, 10)));
  return base * absl::Uniform(random, 0.5, 1.5);
}

class MysqlStore final : public Store {
 public:
  explicit MysqlStore(MysqlStoreOptions options) : pool_(std::move(options), &watchdog_) {}

  // CheckConnection connects once, so that a wrong password or database
  // fails at start; the connection stays in the pool.
  absl::Status CheckConnection() {
    return pool_.Borrow(absl::Now() + pool_.options().connect_timeout).status();
  }

  absl::Status Migrate() override {
    MysqlStoreOptions options = pool_.options();
    options.io_timeout = kMigrationIoTimeout;
    absl::StatusOr<std::unique_ptr<MysqlConnection>> connection =
        MysqlConnection::Open(options, absl::Now() + options.connect_timeout);
    if (!connection.ok()) return connection.status();
    std::string lock_name = absl::StrCat("cp_migrate.", options.database).substr(0, 64);
    absl::Status status = ApplyMysqlMigrations(**connection, MysqlMigrations(), lock_name,
                                               options.migration_lock_timeout);
    if (!status.ok()) return status;
    return BackfillMatchKeys(*this);
  }

  absl::Status CheckSchema() override {
    absl::StatusOr<MysqlConnectionPool::Lease> lease =
        pool_.Borrow(absl::Now() + pool_.options().connect_timeout);
    if (!lease.ok()) return lease.status();
    absl::StatusOr<std::set<int>> applied = ReadAppliedMysqlMigrations(**lease);
    if (!applied.ok()) return applied.status();
    return CheckMigrationsApplied(Describe(), MysqlMigrations(), *applied);
  }

  absl::Status Run(TransactionMode mode, absl::Time deadline,
                   absl::FunctionRef<absl::Status(Transaction&)> body) override {
    int retries = 0;
    bool reconnected = false;
    while (true) {
      Attempt attempt = RunOnce(mode, deadline, body);
      switch (attempt.outcome) {
        case Outcome::kDone:
          return attempt.status;
        case Outcome::kStaleConnection:
          if (reconnected) return attempt.status;
          reconnected = true;
          counters_.CountRetry(RetryCause::kStaleConnection);
          continue;
        case Outcome::kDeadlock:
        case Outcome::kLockWaitTimeout:
          break;
      }
      if (++retries > pool_.options().max_retries) {
        counters_.CountAbort(AbortCause::kConflict);
        return absl::AbortedError(absl::StrCat(
            "the transaction kept conflicting with concurrent ones (deadlock or lock wait "
            "timeout) after ",
            pool_.options().max_retries, " retries"));
      }
      absl::Duration pause = Backoff(retries);
      // Another lock wait takes a whole second at least (MySQL's granularity).
      absl::Duration next_wait =
          attempt.outcome == Outcome::kLockWaitTimeout ? absl::Seconds(1) : absl::ZeroDuration();
      if (absl::Now() + pause + next_wait >= deadline) {
        counters_.CountAbort(AbortCause::kDeadline);
        return absl::UnavailableError(
            "waiting for locks held by concurrent transactions exceeded the call's deadline");
      }
      counters_.CountRetry(attempt.outcome == Outcome::kDeadlock ? RetryCause::kDeadlock
                                                                 : RetryCause::kLockWaitTimeout);
      absl::SleepFor(pause);
    }
  }

  StoreStats Stats() const override {
    StoreStats stats;
    stats.pool = pool_.Stats();
    counters_.Fill(stats);
    return stats;
  }

  std::string Describe() const override { return MysqlEndpoint(pool_.options()); }

  // TellListener runs the change listener, if any.
  void TellListener() {
    absl::MutexLock lock(&listener_mu_);
    if (change_listener_) change_listener_();
  }

  void SetChangeListener(std::function<void()> listener) override {
    absl::MutexLock lock(&listener_mu_);
    change_listener_ = std::move(listener);
  }

 private:
  enum class Outcome {
    kDone,
    // The connection was found dead before the body ran: run it again once
    // on a fresh connection. Never one the watchdog cut at the deadline.
    kStaleConnection,
    // Deadlock (MySQL rolled back) or lock wait timeout: run it again.
    kDeadlock,
    kLockWaitTimeout,
  };
  struct Attempt {
    Outcome outcome;
    absl::Status status;
  };

  // RunOnce runs the transaction once on a borrowed connection that the
  // watchdog cuts at `deadline`, body included: database work never outlives
  // the call. A cut connection is discarded and the attempt, unless it had
  // already ended, fails with DEADLINE_EXCEEDED, as does one that got its
  // connection only after the deadline.
  Attempt RunOnce(TransactionMode mode, absl::Time deadline,
                  absl::FunctionRef<absl::Status(Transaction&)> body) {
    absl::StatusOr<MysqlConnectionPool::Lease> lease = pool_.Borrow(deadline);
    if (!lease.ok()) return {Outcome::kDone, lease.status()};
    // A connect may end after the deadline (whole seconds): then nothing
    // starts, so no work of the call reaches the database after it.
    if (absl::Now() >= deadline) {
      return {Outcome::kDone,
              absl::DeadlineExceededError("the call's deadline passed while connecting to MySQL")};
    }
    MysqlConnection& connection = **lease;
    uint64_t watch = watchdog_.Arm(connection.socket_fd(), deadline);
    Attempt attempt = mode == TransactionMode::kReadOnly ? RunReadOnly(connection, deadline, body)
                                                         : RunReadWrite(connection, deadline, body);
    // Disarmed before the lease hands the connection back.
    if (watchdog_.Disarm(watch)) {
      connection.MarkBroken();
      if (absl::IsUnavailable(attempt.status)) {
        return {Outcome::kDone, absl::DeadlineExceededError(
                                    "the database did not answer before the call's deadline")};
      }
    }
    return attempt;
  }

  // RunReadWrite runs `body` between START TRANSACTION and COMMIT, rolling
  // back when it or the transaction failed.
  Attempt RunReadWrite(MysqlConnection& connection, absl::Time deadline,
                       absl::FunctionRef<absl::Status(Transaction&)> body) {
    absl::Status status = connection.Call("begin a transaction", [&]() {
      connection.SetLockWaitTimeout(LockWaitSeconds(pool_.options(), deadline));
      connection.Execute("START TRANSACTION");
    });
    if (!status.ok()) {
      return {connection.broken() ? Outcome::kStaleConnection : Outcome::kDone, status};
    }

    MysqlTransaction transaction(&connection, /*read_only=*/false);
    status = body(transaction);
    // The change rows go last, so that their AUTO_INCREMENT values are taken
    // as close to the commit as they can be (see MysqlChangeRepository).
    bool wrote_changes = false;
    if (status.ok() && transaction.failure().ok())
      status = transaction.FlushChanges(&wrote_changes);
    if (status.ok() && transaction.failure().ok()) {
      status = connection.Call("commit", [&]() { connection.Execute("COMMIT"); });
      if (status.ok() && wrote_changes) TellListener();
      // A deadlock at commit rolled back; a lost connection leaves the
      // outcome unknown, which UNAVAILABLE says.
      return {absl::IsAborted(status) ? ConflictOutcome(connection) : Outcome::kDone, status};
    }
    if (!transaction.failure().ok()) status = transaction.failure();
    Outcome conflict = ConflictOutcome(connection);
    if (!connection.broken() &&
        !connection.Call("roll back", [&]() { connection.Execute("ROLLBACK"); }).ok()) {
      connection.MarkBroken();
    }
    // The transaction's own failure is ABORTED only for a deadlock or lock
    // wait timeout; the body's errors are returned as they are.
    bool conflicted = !transaction.failure().ok() && absl::IsAborted(transaction.failure());
    return {conflicted ? conflict : Outcome::kDone, status};
  }

  // RunReadOnly runs a read-only body without START TRANSACTION and COMMIT,
  // each statement in autocommit: two round trips fewer per read. It reads
  // the same as an explicit READ ONLY transaction would: the session is READ
  // COMMITTED, where every statement of a transaction reads its own fresh
  // snapshot anyway, and a read-only body takes no locks that would have to
  // last until a commit (MysqlTransaction refuses its writes).
  Attempt RunReadOnly(MysqlConnection& connection, absl::Time deadline,
                      absl::FunctionRef<absl::Status(Transaction&)> body) {
    absl::Status status = connection.Call("set the lock wait timeout", [&]() {
      connection.SetLockWaitTimeout(LockWaitSeconds(pool_.options(), deadline));
    });
    if (!status.ok()) {
      return {connection.broken() ? Outcome::kStaleConnection : Outcome::kDone, status};
    }
    MysqlTransaction transaction(&connection, /*read_only=*/true);
    status = body(transaction);
    if (transaction.failure().ok()) return {Outcome::kDone, status};
    // A failure of the connection's own wins over what the body made of
    // it. A read has no effect, so after a lost connection (e.g. a pooled
    // one the server closed) it runs once more on a fresh one.
    if (connection.broken()) return {Outcome::kStaleConnection, transaction.failure()};
    bool conflicted = absl::IsAborted(transaction.failure());
    return {conflicted ? ConflictOutcome(connection) : Outcome::kDone, transaction.failure()};
  }

  // ConflictOutcome names the conflict the connection's last error was.
  static Outcome ConflictOutcome(const MysqlConnection& connection) {
    return connection.last_error_code() == 1205 ? Outcome::kLockWaitTimeout : Outcome::kDeadlock;
  }

  MysqlStatementWatchdog watchdog_;
  MysqlConnectionPool pool_;
  TransactionCounters counters_;
  // Set while commits may run (a server stopping before its store closes).
  absl::Mutex listener_mu_;
  std::function<void()> change_listener_ ABSL_GUARDED_BY(listener_mu_);
};

}  // namespace

absl::StatusOr<std::unique_ptr<Store>> OpenMysqlStore(const MysqlStoreOptions& options) {
  if (options.user.empty()) return absl::InvalidArgumentError("the MySQL user is missing");
  if (options.database.empty()) return absl::InvalidArgumentError("the MySQL database is missing");
  if (options.pool_size < 1) return absl::InvalidArgumentError("pool_size must be at least 1");
  if (options.max_retries < 0) return absl::InvalidArgumentError("max_retries must be >= 0");
  auto store = std::make_unique<MysqlStore>(options);
  if (absl::Status status = store->CheckConnection(); !status.ok()) return status;
  return store;
}

}  // namespace cp::storage

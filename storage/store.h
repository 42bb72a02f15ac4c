#pragma once

#include <functional>
#include <string>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/time/time.h"
#include "storage/profile_cache.h"
#include "storage/store_stats.h"
#include "storage/transaction.h"

namespace cp::storage {

// TransactionMode says whether a transaction may write.
enum class TransactionMode { kReadOnly, kReadWrite };

// Store is a transactional profile database. Implementations are
// thread-safe: many threads may run transactions at once.
class Store {
 public:
  virtual ~Store() = default;

  // Migrate applies every pending migration of the store's dialect and
  // records it in the schema version table. Safe when several servers
  // start at once. Must succeed before Run is used (or CheckSchema, when
  // the schema is migrated elsewhere).
  virtual absl::Status Migrate() = 0;

  // CheckSchema reads the schema version table without changing anything
  // and returns OK when every migration of the store's dialect is applied;
  // FAILED_PRECONDITION "schema not migrated: ..." (see
  // CheckMigrationsApplied) when one is missing, a fresh database included.
  virtual absl::Status CheckSchema() = 0;

  // Run runs `body` in one transaction and commits when it returns OK;
  // otherwise rolls back and returns body's status. Transient conflicts
  // (busy database, deadlock) may make Run call body again, so body must
  // have no effect outside the transaction. Waits for a connection or lock
  // at most until `deadline`, then fails with UNAVAILABLE or
  // RESOURCE_EXHAUSTED. Connection loss is UNAVAILABLE.
  virtual absl::Status Run(TransactionMode mode, absl::Time deadline,
                           absl::FunctionRef<absl::Status(Transaction&)> body) = 0;

  // profile_cache is the store's cache of profile rows, or null when it has
  // none (a store that other processes may write to cannot have one). A
  // caller may answer a profile read from it without a transaction; the
  // store fills it from read-only transactions and keeps it in step with
  // every write it commits.
  virtual ProfileCache* profile_cache() { return nullptr; }

  // SetChangeListener makes the store call `listener` after every commit
  // that wrote changes (ChangeRepository::AppendChange), on the committing
  // thread: it must not block. Set once, before the store is shared.
  virtual void SetChangeListener(std::function<void()> listener) = 0;

  // Stats returns what the store's connection pool holds and how often
  // transactions were retried and given up, for metrics. Cheap; thread-safe.
  virtual StoreStats Stats() const { return {}; }

  // Describe names the store for logs and startup output, without secrets,
  // e.g. "sqlite:./var/profiles.db".
  virtual std::string Describe() const = 0;
};

}  // namespace cp::storage

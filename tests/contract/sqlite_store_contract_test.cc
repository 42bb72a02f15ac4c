#include <memory>
#include <string>
#include <utility>

#include "gtest/gtest.h"
#include "storage/sqlite/sqlite_store.h"
#include "tests/contract/change_contract_suite.h"
#include "tests/contract/store_contract_suite.h"
#include "tests/contract/suppression_contract_suite.h"
#include "tests/support/temp_dir.h"

namespace cp::storage {
namespace {

using contract::StoreContractTest;
using contract::StoreFactory;

// TempSqliteStore is a SQLite store in its own temporary folder, removed
// with the store.
class TempSqliteStore final : public Store {
 public:
  // TempSqliteStore keeps up to `cache_bytes` of profiles in a cache
  // (0 = none), as profile-server does by default.
  explicit TempSqliteStore(size_t cache_bytes) {
    SqliteStoreOptions options;
    options.path = dir_.File("db/profiles.db");
    options.pool_size = 4;
    options.profile_cache_bytes = cache_bytes;
    absl::StatusOr<std::unique_ptr<Store>> store = OpenSqliteStore(options);
    if (store.ok()) store_ = *std::move(store);
  }

  bool ok() const { return store_ != nullptr; }

  absl::Status Migrate() override { return store_->Migrate(); }
  absl::Status CheckSchema() override { return store_->CheckSchema(); }
  absl::Status Run(TransactionMode mode, absl::Time deadline,
                   absl::FunctionRef<absl::Status(Transaction&)> body) override {
    return store_->Run(mode, deadline, body);
  }
  ProfileCache* profile_cache() override { return store_->profile_cache(); }
  void SetChangeListener(std::function<void()> listener) override {
    store_->SetChangeListener(std::move(listener));
  }
  std::string Describe() const override { return store_->Describe(); }

 private:
  // Declared first, so the folder outlives the store.
  testing::TempDir dir_;
  std::unique_ptr<Store> store_;
};

std::unique_ptr<Store> MakeStore(size_t cache_bytes) {
  auto store = std::make_unique<TempSqliteStore>(cache_bytes);
  if (!store->ok() || !store->Migrate().ok()) return nullptr;
  return store;
}

std::unique_ptr<Store> MakeSqliteStore() { return MakeStore(0); }
// With a small profile cache, so that evictions happen too.
std::unique_ptr<Store> MakeCachedSqliteStore() { return MakeStore(64 << 10); }

INSTANTIATE_TEST_SUITE_P(Sqlite, StoreContractTest,
                         ::testing::Values(StoreFactory(&MakeSqliteStore)));
INSTANTIATE_TEST_SUITE_P(SqliteCached, StoreContractTest,
                         ::testing::Values(StoreFactory(&MakeCachedSqliteStore)));

using contract::SuppressionContractTest;
INSTANTIATE_TEST_SUITE_P(Sqlite, SuppressionContractTest,
                         ::testing::Values(StoreFactory(&MakeSqliteStore)));

using contract::ChangeContractTest;
INSTANTIATE_TEST_SUITE_P(Sqlite, ChangeContractTest,
                         ::testing::Values(StoreFactory(&MakeSqliteStore)));

}  // namespace
}  // namespace cp::storage

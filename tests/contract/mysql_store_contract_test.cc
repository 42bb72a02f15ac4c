#include <memory>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gtest/gtest.h"
#include "storage/mysql/mysql_store.h"
#include "tests/contract/change_contract_suite.h"
#include "tests/contract/store_contract_suite.h"
#include "tests/contract/suppression_contract_suite.h"
#include "tests/support/mysql_test_database.h"

namespace cp::storage {
namespace {

using contract::StoreContractTest;
using contract::StoreFactory;

// UnavailableStore stands in for the store when there is no test MariaDB;
// the test is skipped before it is used.
class UnavailableStore final : public Store {
 public:
  absl::Status Migrate() override { return absl::FailedPreconditionError("no MySQL"); }
  absl::Status CheckSchema() override { return absl::FailedPreconditionError("no MySQL"); }
  absl::Status Run(TransactionMode, absl::Time,
                   absl::FunctionRef<absl::Status(Transaction&)>) override {
    return absl::FailedPreconditionError("no MySQL");
  }
  void SetChangeListener(std::function<void()>) override {}
  std::string Describe() const override { return "no MySQL"; }
};

// TempMysqlStore is a migrated MySQL store on its own fresh database,
// dropped with the store.
class TempMysqlStore final : public Store {
 public:
  TempMysqlStore(std::unique_ptr<testing::MysqlTestDatabase> database, std::unique_ptr<Store> store)
      : database_(std::move(database)), store_(std::move(store)) {}

  absl::Status Migrate() override { return store_->Migrate(); }
  absl::Status CheckSchema() override { return store_->CheckSchema(); }
  absl::Status Run(TransactionMode mode, absl::Time deadline,
                   absl::FunctionRef<absl::Status(Transaction&)> body) override {
    return store_->Run(mode, deadline, body);
  }
  void SetChangeListener(std::function<void()> listener) override {
    store_->SetChangeListener(std::move(listener));
  }
  std::string Describe() const override { return store_->Describe(); }

 private:
  // Declared first: dropped after the store has closed its connections.
  std::unique_ptr<testing::MysqlTestDatabase> database_;
  std::unique_ptr<Store> store_;
};

void SkipWithoutMysql() { GTEST_SKIP() << testing::kNoMysqlTestServer; }

std::unique_ptr<Store> MakeMysqlStore() {
  if (!testing::MysqlTestServerOptions().has_value()) {
    SkipWithoutMysql();
    return std::make_unique<UnavailableStore>();
  }
  absl::StatusOr<std::unique_ptr<testing::MysqlTestDatabase>> database =
      testing::MysqlTestDatabase::CreateOnTestServer("contract");
  if (!database.ok()) {
    ADD_FAILURE() << database.status();
    return nullptr;
  }
  MysqlStoreOptions options = (*database)->options();
  options.pool_size = 4;
  absl::StatusOr<std::unique_ptr<Store>> store = OpenMysqlStore(options);
  if (!store.ok()) {
    ADD_FAILURE() << store.status();
    return nullptr;
  }
  if (absl::Status migrated = (*store)->Migrate(); !migrated.ok()) {
    ADD_FAILURE() << migrated;
    return nullptr;
  }
  return std::make_unique<TempMysqlStore>(*std::move(database), *std::move(store));
}

INSTANTIATE_TEST_SUITE_P(Mysql, StoreContractTest,
                         ::testing::Values(StoreFactory(&MakeMysqlStore)));

using contract::SuppressionContractTest;
INSTANTIATE_TEST_SUITE_P(Mysql, SuppressionContractTest,
                         ::testing::Values(StoreFactory(&MakeMysqlStore)));

using contract::ChangeContractTest;
INSTANTIATE_TEST_SUITE_P(Mysql, ChangeContractTest,
                         ::testing::Values(StoreFactory(&MakeMysqlStore)));

}  // namespace
}  // namespace cp::storage

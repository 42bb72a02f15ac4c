#include "domain/suppression/suppression_manager.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "domain/common/errors.h"
#include "gtest/gtest.h"
#include "storage/sqlite/sqlite_store.h"
#include "tests/support/temp_dir.h"

namespace cp::domain {
namespace {

namespace v1 = ::customerprofile::v1;

// SuppressionManagerTest runs the list use cases on a fresh SQLite store
// with a fake clock and small batches, so that batching shows.
class SuppressionManagerTest : public ::testing::Test {
 protected:
  SuppressionManagerTest() : clock_(absl::FromUnixSeconds(1767225600)), identifiers_("NO") {
    auto store = storage::OpenSqliteStore({.path = dir_.File("profiles.db")});
    EXPECT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
    EXPECT_TRUE(store_->Migrate().ok());
    SuppressionManagerOptions options;
    options.import.batch_size = 3;
    options.import.max_lines = 20;
    options.delete_batch = 2;
    manager_ = std::make_unique<SuppressionManager>(store_.get(), &clock_, &identifiers_, options);
    context_.deadline = absl::InfiniteFuture();
  }

  void SetUp() override {
    v1::CreateSuppressionListRequest request;
    request.set_suppression_list_id("rr");
    request.mutable_suppression_list()->set_display_name("Reservasjonsregisteret");
    request.mutable_suppression_list()->add_channels(v1::CHANNEL_SMS);
    request.mutable_suppression_list()->set_identifier_kind(v1::IDENTIFIER_KIND_PHONE_NUMBER);
    ASSERT_TRUE(manager_->CreateSuppressionList(request, context_).ok());
  }

  absl::StatusOr<v1::ImportSuppressionEntriesResponse> Import(
      v1::ImportMode mode, const std::vector<std::vector<std::string>>& messages) {
    v1::ImportSuppressionEntriesRequest first;
    first.set_suppression_list("suppressionLists/rr");
    first.set_mode(mode);
    auto import = manager_->StartImport(first, context_);
    if (!import.ok()) return import.status();
    for (size_t m = 0; m < messages.size(); ++m) {
      v1::ImportSuppressionEntriesRequest request =
          m == 0 ? first : v1::ImportSuppressionEntriesRequest();
      for (const std::string& line : messages[m]) request.add_lines(line);
      if (absl::Status s = (*import)->Add(request, context_); !s.ok()) return s;
    }
    return (*import)->Finish(context_);
  }

  bool Suppressed(const std::string& number) {
    v1::CheckSuppressionRequest request;
    request.set_identifier(number);
    auto response = manager_->CheckSuppression(request, context_);
    EXPECT_TRUE(response.ok()) << response.status();
    return response.ok() && response->suppressed();
  }

  testing::TempDir dir_;
  FakeClock clock_;
  SuppressionIdentifiers identifiers_;
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<SuppressionManager> manager_;
  CallContext context_;
};

// Verifies that a REPLACE spanning several batches and messages counts
// duplicates across batches, and that the replaced entries are cleaned up
// in small batches afterwards.
TEST_F(SuppressionManagerTest, ReplaceAcrossBatchesThenCleanUp) {
  auto first = Import(v1::IMPORT_MODE_REPLACE,
                      {{"91000001", "91000002", "91000003", "91000004"}, {"91000001", "bad"}});
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->added_count(), 4);
  EXPECT_EQ(first->duplicate_count(), 1);
  EXPECT_EQ(first->rejected_count(), 1);
  EXPECT_EQ(first->rejected_lines(0).line_number(), 6);

  auto second = Import(v1::IMPORT_MODE_REPLACE, {{"92000001"}});
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_FALSE(Suppressed("91000001"));
  EXPECT_TRUE(Suppressed("92000001"));
  // The four replaced entries (the first list) go, two per transaction.
  auto deleted = manager_->CollectGarbage(absl::Now() + absl::Seconds(10));
  ASSERT_TRUE(deleted.ok()) << deleted.status();
  EXPECT_EQ(*deleted, 4);
  EXPECT_EQ(*manager_->CollectGarbage(absl::Now() + absl::Seconds(10)), 0);
  EXPECT_TRUE(Suppressed("92000001"));
}

// Verifies that an abandoned import leaves nothing visible and is cleaned
// up, and that a staging generation of a vanished import is removed only
// once it is old.
TEST_F(SuppressionManagerTest, AbandonedAndStaleImports) {
  {
    v1::ImportSuppressionEntriesRequest first;
    first.set_suppression_list("suppressionLists/rr");
    first.set_mode(v1::IMPORT_MODE_APPEND);
    for (const char* line : {"91000001", "91000002", "91000003"}) first.add_lines(line);
    auto import = manager_->StartImport(first, context_);
    ASSERT_TRUE(import.ok());
    ASSERT_TRUE((*import)->Add(first, context_).ok());
    // Destroyed unfinished: abandoned.
  }
  EXPECT_FALSE(Suppressed("91000001"));
  EXPECT_EQ(*manager_->CollectGarbage(absl::Now() + absl::Seconds(10)), 3);

  // A server that died mid-import leaves a staging generation behind.
  v1::ImportSuppressionEntriesRequest first;
  first.set_suppression_list("suppressionLists/rr");
  first.set_mode(v1::IMPORT_MODE_REPLACE);
  for (const char* line : {"91000001", "91000002", "91000003"}) first.add_lines(line);
  auto import = manager_->StartImport(first, context_);
  ASSERT_TRUE(import.ok());
  ASSERT_TRUE((*import)->Add(first, context_).ok());
  (*import)->Detach();
  EXPECT_EQ(*manager_->CollectGarbage(absl::Now() + absl::Seconds(10)), 0) << "still young";
  clock_.Advance(absl::Hours(25));
  EXPECT_EQ(*manager_->CollectGarbage(absl::Now() + absl::Seconds(10)), 3);
}

// Verifies that a REPLACE that began earlier but finished later than
// another is refused instead of undoing it, and that the line limit holds.
TEST_F(SuppressionManagerTest, SupersededReplaceAndLineLimit) {
  v1::ImportSuppressionEntriesRequest first;
  first.set_suppression_list("suppressionLists/rr");
  first.set_mode(v1::IMPORT_MODE_REPLACE);
  first.add_lines("91000001");
  auto early = manager_->StartImport(first, context_);
  ASSERT_TRUE(early.ok());
  ASSERT_TRUE((*early)->Add(first, context_).ok());
  ASSERT_TRUE(Import(v1::IMPORT_MODE_REPLACE, {{"92000001"}}).ok());
  auto result = (*early)->Finish(context_);
  EXPECT_EQ(result.status().code(), absl::StatusCode::kAborted);
  EXPECT_TRUE(Suppressed("92000001"));
  EXPECT_FALSE(Suppressed("91000001"));

  std::vector<std::string> many(21, "91000001");
  auto too_many = Import(v1::IMPORT_MODE_APPEND, {many});
  EXPECT_EQ(too_many.status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace cp::domain

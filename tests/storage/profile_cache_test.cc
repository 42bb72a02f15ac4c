#include "storage/profile_cache.h"

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace cp::storage {
namespace {

// Verifies that a fill with a fresh ticket is answered by Lookup and that
// an unknown id misses; both are counted.
TEST(ProfileCacheTest, FillThenLookupHits) {
  ProfileCache cache(1 << 20);

  cache.Fill(cache.Ticket(), "p1", 3, "bytes-of-p1");

  std::shared_ptr<const CachedProfile> row = cache.Lookup("p1");
  ASSERT_NE(row, nullptr);
  EXPECT_EQ(row->revision, 3);
  EXPECT_EQ(row->data, "bytes-of-p1");
  EXPECT_EQ(cache.Lookup("p2"), nullptr);
  ProfileCacheStats stats = cache.Stats();
  EXPECT_EQ(stats.hits, 1u);
  EXPECT_EQ(stats.misses, 1u);
  EXPECT_EQ(stats.fills, 1u);
  EXPECT_EQ(stats.entries, 1u);
  EXPECT_GT(stats.bytes, 0u);
}

// Verifies that a write drops the entries of the profiles it writes, and
// only those, when it begins and again when it ends.
TEST(ProfileCacheTest, WriteDropsItsProfiles) {
  ProfileCache cache(1 << 20);
  cache.Fill(cache.Ticket(), "p1", 1, "old");
  cache.Fill(cache.Ticket(), "p2", 1, "other");

  cache.BeginWrite({"p1"});
  EXPECT_EQ(cache.Lookup("p1"), nullptr);
  cache.EndWrite({"p1"});

  EXPECT_EQ(cache.Lookup("p1"), nullptr);
  ASSERT_NE(cache.Lookup("p2"), nullptr);
  EXPECT_EQ(cache.Lookup("p2")->data, "other");
}

// Verifies that a row read with a ticket taken before a write began is
// refused even after the write ended: it may be older than the commit.
TEST(ProfileCacheTest, FillWithTicketOlderThanAWriteIsRefused) {
  ProfileCache cache(1 << 20);
  uint64_t ticket = cache.Ticket();

  cache.BeginWrite({"p1"});
  cache.EndWrite({"p1"});
  cache.Fill(ticket, "p1", 1, "read before the commit");

  EXPECT_EQ(cache.Lookup("p1"), nullptr);
  EXPECT_EQ(cache.Stats().refused_fills, 1u);
}

// Verifies that no fill is taken while any write is being committed, and
// that a ticket taken during one is never accepted.
TEST(ProfileCacheTest, NoFillWhileAWriteIsUnderWay) {
  ProfileCache cache(1 << 20);
  cache.BeginWrite({"other"});
  uint64_t during = cache.Ticket();
  EXPECT_EQ(during, ProfileCache::kNoTicket);

  cache.Fill(during, "p1", 1, "x");
  EXPECT_EQ(cache.Lookup("p1"), nullptr);

  cache.EndWrite({"other"});
  cache.Fill(during, "p1", 1, "x");
  EXPECT_EQ(cache.Lookup("p1"), nullptr);

  cache.Fill(cache.Ticket(), "p1", 1, "x");
  EXPECT_NE(cache.Lookup("p1"), nullptr);
}

// Verifies that a newer fill replaces the entry of the same profile.
TEST(ProfileCacheTest, RefillReplacesEntry) {
  ProfileCache cache(1 << 20);
  cache.Fill(cache.Ticket(), "p1", 1, "one");
  cache.Fill(cache.Ticket(), "p1", 2, "two");

  ASSERT_NE(cache.Lookup("p1"), nullptr);
  EXPECT_EQ(cache.Lookup("p1")->revision, 2);
  EXPECT_EQ(cache.Stats().entries, 1u);
}

// Verifies that the cache stays within its bytes by evicting the least
// recently used entries, keeping one that was just looked up.
TEST(ProfileCacheTest, EvictsLeastRecentlyUsedWithinBudget) {
  // One shard of 2,000 bytes: room for about five 200-byte rows.
  ProfileCache cache(2000, /*shards=*/1);
  std::string data(200, 'x');
  cache.Fill(cache.Ticket(), "first", 1, data);
  for (int i = 0; i < 20; ++i) {
    ASSERT_NE(cache.Lookup("first"), nullptr) << i;
    cache.Fill(cache.Ticket(), absl::StrCat("p", i), 1, data);
  }

  ProfileCacheStats stats = cache.Stats();
  EXPECT_LE(stats.bytes, 2000u);
  EXPECT_GT(stats.evictions, 0u);
  EXPECT_NE(cache.Lookup("first"), nullptr);
  EXPECT_EQ(cache.Lookup("p0"), nullptr);
  EXPECT_NE(cache.Lookup("p19"), nullptr);
}

// Verifies that a row larger than a shard's share is not kept.
TEST(ProfileCacheTest, OversizedRowIsNotKept) {
  ProfileCache cache(1000, /*shards=*/1);
  cache.Fill(cache.Ticket(), "big", 1, std::string(2000, 'x'));

  EXPECT_EQ(cache.Lookup("big"), nullptr);
  EXPECT_EQ(cache.Stats().bytes, 0u);
}

// Verifies the rule the cache exists for, under concurrency: readers that
// take a ticket, read the "database" and fill, racing writers that bump a
// profile's revision between BeginWrite and EndWrite, never leave a
// revision in the cache older than the last committed one once the writes
// are done, and no lookup ever sees a revision older than one committed
// before the lookup began.
TEST(ProfileCacheTest, ConcurrentReadersNeverCacheStaleRows) {
  ProfileCache cache(1 << 20, /*shards=*/4);
  constexpr int kProfiles = 4;
  std::vector<std::atomic<int64_t>> committed(kProfiles);
  for (auto& revision : committed) revision = 1;
  std::atomic<bool> stop{false};
  std::atomic<int> stale{0};

  std::vector<std::thread> threads;
  for (int w = 0; w < 2; ++w) {
    threads.emplace_back([&, w] {
      for (int n = 0; n < 3000; ++n) {
        int p = (n + w) % kProfiles;
        std::vector<std::string> ids = {absl::StrCat("p", p)};
        cache.BeginWrite(ids);
        committed[p].fetch_add(1);  // the commit
        cache.EndWrite(ids);
      }
    });
  }
  for (int r = 0; r < 3; ++r) {
    threads.emplace_back([&, r] {
      int n = r;
      while (!stop.load()) {
        int p = n++ % kProfiles;
        std::string id = absl::StrCat("p", p);
        int64_t floor = committed[p].load();
        if (auto row = cache.Lookup(id); row != nullptr && row->revision < floor) ++stale;
        uint64_t ticket = cache.Ticket();
        int64_t read = committed[p].load();  // the snapshot, after the ticket
        cache.Fill(ticket, id, read, "row");
      }
    });
  }
  threads[0].join();
  threads[1].join();
  stop = true;
  for (size_t i = 2; i < threads.size(); ++i) threads[i].join();

  EXPECT_EQ(stale.load(), 0);
  for (int p = 0; p < kProfiles; ++p) {
    auto row = cache.Lookup(absl::StrCat("p", p));
    if (row != nullptr) {
      EXPECT_EQ(row->revision, committed[p].load()) << p;
    }
  }
}

}  // namespace
}  // namespace cp::storage

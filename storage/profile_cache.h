#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"

namespace cp::storage {

// CachedProfile is one stored profile row as the cache keeps it: the
// revision and the stored bytes (a serialized customerprofile.v1.Profile).
struct CachedProfile {
  int64_t revision = 0;
  std::string data;
};

// ProfileCacheStats counts what the cache did since it was made.
struct ProfileCacheStats {
  uint64_t hits = 0;
  uint64_t misses = 0;
  uint64_t fills = 0;
  // Fills refused because a write began or ended after the reader's ticket.
  uint64_t refused_fills = 0;
  uint64_t evictions = 0;
  size_t entries = 0;
  size_t bytes = 0;
};

// ProfileCache keeps recently read profile rows in memory, at most
// `max_bytes` of them (least recently used go first), so that a read can be
// answered without the database. It is only correct when every write to the
// profiles goes through the one store that owns the cache (an embedded
// store locked to one process).
//
// The rules that keep it from ever answering older data than the database
// holds:
// - a writer calls BeginWrite(ids) before it commits and EndWrite(ids) after
//   the commit ends (whatever its outcome); both drop the ids' entries;
// - a reader takes a Ticket() before its transaction reads anything and may
//   Fill only with it; a fill is refused when any write began or ended
//   since the ticket was taken, or is under way.
// So a row read before a commit never lands in the cache after the writer
// dropped it, and no entry is added while a commit is being made visible.
// Thread-safe.
class ProfileCache {
 public:
  // A ticket that Fill always refuses (taken while a write was under way).
  static constexpr uint64_t kNoTicket = 0;

  // ProfileCache holds at most `max_bytes` of entries (ids, data and
  // bookkeeping), in `shards` independently locked parts.
  explicit ProfileCache(size_t max_bytes, int shards = 16);

  ProfileCache(const ProfileCache&) = delete;
  ProfileCache& operator=(const ProfileCache&) = delete;

  // Lookup returns the cached row of profile `id`, or null; a hit makes the
  // entry the most recently used.
  std::shared_ptr<const CachedProfile> Lookup(absl::string_view id);

  // Ticket is taken by a reader before its transaction reads anything.
  uint64_t Ticket() const;

  // Fill offers the row (`revision`, `data`) of profile `id` that a reader
  // holding `ticket` read; see the class comment for when it is refused.
  // A row larger than a shard's share of max_bytes is not kept.
  void Fill(uint64_t ticket, absl::string_view id, int64_t revision, absl::string_view data);

  // BeginWrite is called by a writer of profiles `ids` before it commits.
  void BeginWrite(const std::vector<std::string>& ids);
  // EndWrite is called after that commit succeeded or failed.
  void EndWrite(const std::vector<std::string>& ids);

  ProfileCacheStats Stats() const;

 private:
  struct Node {
    std::string id;
    std::shared_ptr<const CachedProfile> row;
    size_t bytes = 0;
  };
  struct Shard {
    mutable absl::Mutex mu;
    // Most recently used first.
    std::list<Node> lru ABSL_GUARDED_BY(mu);
    absl::flat_hash_map<std::string, std::list<Node>::iterator> index ABSL_GUARDED_BY(mu);
    size_t bytes ABSL_GUARDED_BY(mu) = 0;
  };

  Shard& ShardOf(absl::string_view id);
  void Drop(const std::vector<std::string>& ids);
  static void Erase(Shard& shard, std::list<Node>::iterator it)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(shard.mu);

  const size_t shard_max_bytes_;
  std::vector<std::unique_ptr<Shard>> shards_;
  // Bumped by every BeginWrite and EndWrite.
  std::atomic<uint64_t> generation_{1};
  // Writes between BeginWrite and EndWrite.
  std::atomic<int64_t> writing_{0};
  std::atomic<uint64_t> hits_{0};
  std::atomic<uint64_t> misses_{0};
  std::atomic<uint64_t> fills_{0};
  std::atomic<uint64_t> refused_fills_{0};
  std::atomic<uint64_t> evictions_{0};
};

}  // namespace cp::storage

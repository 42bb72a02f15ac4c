#include "storage/profile_cache.h"

#include <algorithm>
#include <utility>

#include "absl/hash/hash.h"

namespace cp::storage {
namespace {

// What an entry costs beyond its id and data: the list node, the index
// slot, the shared row's control block.
constexpr size_t kEntryOverhead = 160;

}  // namespace

ProfileCache::ProfileCache(size_t max_bytes, int shards)
    : shard_max_bytes_(max_bytes / static_cast<size_t>(std::max(shards, 1))) {
  shards = std::max(shards, 1);
  shards_.reserve(shards);
  for (int i = 0; i < shards; ++i) shards_.push_back(std::make_unique<Shard>());
}

ProfileCache::Shard& ProfileCache::ShardOf(absl::string_view id) {
  return *shards_[absl::HashOf(id) % shards_.size()];
}

std::shared_ptr<const CachedProfile> ProfileCache::Lookup(absl::string_view id) {
  Shard& shard = ShardOf(id);
  absl::MutexLock lock(&shard.mu);
  auto found = shard.index.find(id);
  if (found == shard.index.end()) {
    misses_.fetch_add(1, std::memory_order_relaxed);
    return nullptr;
  }
  shard.lru.splice(shard.lru.begin(), shard.lru, found->second);
  hits_.fetch_add(1, std::memory_order_relaxed);
  return found->second->row;
}

uint64_t ProfileCache::Ticket() const {
  uint64_t generation = generation_.load();
  if (writing_.load() != 0) return kNoTicket;
  return generation;
}

void ProfileCache::Fill(uint64_t ticket, absl::string_view id, int64_t revision,
                        absl::string_view data) {
  size_t bytes = id.size() + data.size() + kEntryOverhead;
  if (bytes > shard_max_bytes_) return;
  auto row = std::make_shared<CachedProfile>(CachedProfile{revision, std::string(data)});
  Shard& shard = ShardOf(id);
  absl::MutexLock lock(&shard.mu);
  // Checked under the shard's lock: a writer drops its ids under the same
  // lock after it changed the generation, so either it drops this entry or
  // this fill sees the change.
  if (ticket == kNoTicket || writing_.load() != 0 || generation_.load() != ticket) {
    refused_fills_.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  if (auto found = shard.index.find(id); found != shard.index.end()) Erase(shard, found->second);
  shard.lru.push_front(Node{std::string(id), std::move(row), bytes});
  shard.index.emplace(shard.lru.front().id, shard.lru.begin());
  shard.bytes += bytes;
  fills_.fetch_add(1, std::memory_order_relaxed);
  while (shard.bytes > shard_max_bytes_ && !shard.lru.empty()) {
    Erase(shard, std::prev(shard.lru.end()));
    evictions_.fetch_add(1, std::memory_order_relaxed);
  }
}

void ProfileCache::BeginWrite(const std::vector<std::string>& ids) {
  writing_.fetch_add(1);
  generation_.fetch_add(1);
  Drop(ids);
}

void ProfileCache::EndWrite(const std::vector<std::string>& ids) {
  // The generation first: a ticket taken between the two is refused either
  // way (a write is still counted), and one taken before both is stale.
  generation_.fetch_add(1);
  writing_.fetch_sub(1);
  Drop(ids);
}

void ProfileCache::Drop(const std::vector<std::string>& ids) {
  for (const std::string& id : ids) {
    Shard& shard = ShardOf(id);
    absl::MutexLock lock(&shard.mu);
    if (auto found = shard.index.find(id); found != shard.index.end()) {
      Erase(shard, found->second);
    }
  }
}

void ProfileCache::Erase(Shard& shard, std::list<Node>::iterator it) {
  shard.bytes -= it->bytes;
  shard.index.erase(it->id);
  shard.lru.erase(it);
}

ProfileCacheStats ProfileCache::Stats() const {
  ProfileCacheStats stats;
  stats.hits = hits_.load();
  stats.misses = misses_.load();
  stats.fills = fills_.load();
  stats.refused_fills = refused_fills_.load();
  stats.evictions = evictions_.load();
  for (const auto& shard : shards_) {
    absl::MutexLock lock(&shard->mu);
    stats.entries += shard->index.size();
    stats.bytes += shard->bytes;
  }
  return stats;
}

}  // namespace cp::storage

#pragma once

#include <string>

#include "absl/random/random.h"
#include "absl/synchronization/mutex.h"

namespace cp::domain {

// IdGenerator makes new resource ids; injected so that tests are
// deterministic.
class IdGenerator {
 public:
  virtual ~IdGenerator() = default;
  // NewId returns a fresh id that is a valid AIP-122 resource id segment.
  virtual std::string NewId() = 0;
};

// RandomIdGenerator makes ids of a letter and 19 base-32 characters
// (about 95 random bits), e.g. "c4k2x...". Thread-safe.
class RandomIdGenerator : public IdGenerator {
 public:
  std::string NewId() override;

 private:
  absl::Mutex mu_;
  absl::BitGen gen_ ABSL_GUARDED_BY(mu_);
};

// SequentialIdGenerator makes "<prefix>1", "<prefix>2", ... for tests.
class SequentialIdGenerator : public IdGenerator {
 public:
  explicit SequentialIdGenerator(std::string prefix = "p") : prefix_(std::move(prefix)) {}
  std::string NewId() override;

 private:
  absl::Mutex mu_;
  std::string prefix_;
  long next_ ABSL_GUARDED_BY(mu_) = 1;
};

}  // namespace cp::domain

#include "domain/common/id_generator.h"

#include "absl/strings/str_cat.h"

namespace cp::domain {

std::string RandomIdGenerator::NewId() {
  static constexpr char kLetters[] = "abcdefghijklmnopqrstuvwxyz";
  static constexpr char kBase32[] = "abcdefghijklmnopqrstuvwxyz234567";
  std::string id;
  id.reserve(20);
  absl::MutexLock lock(&mu_);
  id.push_back(kLetters[absl::Uniform(gen_, 0, 26)]);
  for (int i = 0; i < 19; ++i) id.push_back(kBase32[absl::Uniform(gen_, 0, 32)]);
  return id;
}

std::string SequentialIdGenerator::NewId() {
  absl::MutexLock lock(&mu_);
  return absl::StrCat(prefix_, next_++);
}

}  // namespace cp::domain

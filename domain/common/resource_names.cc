#include "domain/common/resource_names.h"

#include <openssl/sha.h>

#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "domain/common/errors.h"

namespace cp::domain {

bool IsValidResourceId(absl::string_view id) {
  if (id.empty() || id.size() > 63) return false;
  if (id.front() < 'a' || id.front() > 'z' || id.back() == '-') return false;
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::string ProfileName(absl::string_view id) { return absl::StrCat("profiles/", id); }

absl::StatusOr<std::string> ParseProfileName(absl::string_view name, absl::string_view field) {
  if (name.empty()) return InvalidField(field, "required: a name of the form profiles/{profile}");
  constexpr absl::string_view kPrefix = "profiles/";
  if (!absl::StartsWith(name, kPrefix) || !IsValidResourceId(name.substr(kPrefix.size()))) {
    return InvalidField(field, "must be of the form profiles/{profile} with a valid id");
  }
  return std::string(name.substr(kPrefix.size()));
}

std::string MergeName(absl::string_view survivor_id, absl::string_view merge_id) {
  return absl::StrCat("profiles/", survivor_id, "/merges/", merge_id);
}

absl::StatusOr<std::pair<std::string, std::string>> ParseMergeName(absl::string_view name,
                                                                   absl::string_view field) {
  constexpr char kForm[] = "must be of the form profiles/{profile}/merges/{merge}";
  if (name.empty()) {
    return InvalidField(field, "required: a name of the form profiles/{profile}/merges/{merge}");
  }
  std::vector<absl::string_view> parts = absl::StrSplit(name, '/');
  if (parts.size() != 4 || parts[0] != "profiles" || parts[2] != "merges" ||
      !IsValidResourceId(parts[1]) || !IsValidResourceId(parts[3])) {
    return InvalidField(field, kForm);
  }
  return std::make_pair(std::string(parts[1]), std::string(parts[3]));
}

std::string ComputeEtag(absl::string_view id, int64_t revision) {
  std::string input = absl::StrCat(id, "#", revision);
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(input.data()), input.size(), digest);
  std::string encoded;
  absl::WebSafeBase64Escape(absl::string_view(reinterpret_cast<const char*>(digest), 12), &encoded);
  return encoded;
}

}  // namespace cp::domain

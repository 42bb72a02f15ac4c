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

namespace {

// ParseProfileChildName returns the (profile id, child id) of
// "profiles/{profile}/{collection}/{child}", or INVALID_ARGUMENT on `field`.
absl::StatusOr<std::pair<std::string, std::string>> ParseProfileChildName(
    absl::string_view name, absl::string_view collection, absl::string_view child,
    absl::string_view field) {
  const std::string form = absl::StrCat("profiles/{profile}/", collection, "/{", child, "}");
  if (name.empty()) return InvalidField(field, absl::StrCat("required: a name of the form ", form));
  std::vector<absl::string_view> parts = absl::StrSplit(name, '/');
  if (parts.size() != 4 || parts[0] != "profiles" || parts[2] != collection ||
      !IsValidResourceId(parts[1]) || !IsValidResourceId(parts[3])) {
    return InvalidField(field, absl::StrCat("must be of the form ", form));
  }
  return std::make_pair(std::string(parts[1]), std::string(parts[3]));
}

}  // namespace

absl::StatusOr<std::pair<std::string, std::string>> ParseMergeName(absl::string_view name,
                                                                   absl::string_view field) {
  return ParseProfileChildName(name, "merges", "merge", field);
}

std::string InteractionName(absl::string_view profile_id, absl::string_view interaction_id) {
  return absl::StrCat("profiles/", profile_id, "/interactions/", interaction_id);
}

absl::StatusOr<std::pair<std::string, std::string>> ParseInteractionName(absl::string_view name,
                                                                         absl::string_view field) {
  return ParseProfileChildName(name, "interactions", "interaction", field);
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

#include "domain/consent/consent_names.h"

#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "domain/common/errors.h"
#include "domain/common/resource_names.h"

namespace cp::domain {

std::string PurposeName(absl::string_view id) { return absl::StrCat("purposes/", id); }

absl::StatusOr<std::string> ParsePurposeName(absl::string_view name, absl::string_view field) {
  if (name.empty()) return InvalidField(field, "required: a name of the form purposes/{purpose}");
  constexpr absl::string_view kPrefix = "purposes/";
  if (!absl::StartsWith(name, kPrefix) || !IsValidResourceId(name.substr(kPrefix.size()))) {
    return InvalidField(field, "must be of the form purposes/{purpose} with a valid id");
  }
  return std::string(name.substr(kPrefix.size()));
}

std::string SuppressionListName(absl::string_view id) {
  return absl::StrCat("suppressionLists/", id);
}

absl::StatusOr<std::string> ParseSuppressionListName(absl::string_view name,
                                                     absl::string_view field) {
  if (name.empty()) {
    return InvalidField(field, "required: a name of the form suppressionLists/{list}");
  }
  constexpr absl::string_view kPrefix = "suppressionLists/";
  if (!absl::StartsWith(name, kPrefix) || !IsValidResourceId(name.substr(kPrefix.size()))) {
    return InvalidField(field, "must be of the form suppressionLists/{list} with a valid id");
  }
  return std::string(name.substr(kPrefix.size()));
}

std::string NoticeVersionName(absl::string_view purpose_id, int64_t version) {
  return absl::StrCat("purposes/", purpose_id, "/noticeVersions/", version);
}

absl::StatusOr<std::pair<std::string, int64_t>> ParseNoticeVersionName(absl::string_view name,
                                                                       absl::string_view field) {
  std::vector<absl::string_view> parts = absl::StrSplit(name, '/');
  int64_t version = 0;
  if (parts.size() != 4 || parts[0] != "purposes" || !IsValidResourceId(parts[1]) ||
      parts[2] != "noticeVersions" || !absl::SimpleAtoi(parts[3], &version) || version < 1 ||
      parts[3] != absl::StrCat(version)) {
    return InvalidField(field,
                        "must be of the form purposes/{purpose}/noticeVersions/{version} with a "
                        "valid id and a version of at least 1");
  }
  return std::make_pair(std::string(parts[1]), version);
}

std::string ConsentEventName(absl::string_view profile_id, absl::string_view event_id) {
  return absl::StrCat("profiles/", profile_id, "/consentEvents/", event_id);
}

}  // namespace cp::domain

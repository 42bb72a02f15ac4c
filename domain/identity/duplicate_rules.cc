#include "domain/identity/duplicate_rules.h"

#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"
#include "domain/identity/email_address.h"
#include "domain/identity/text_fold.h"

namespace cp::domain {
namespace {

namespace v1 = ::customerprofile::v1;

bool SameDate(const google::type::Date& a, const google::type::Date& b) {
  return a.year() == b.year() && a.month() == b.month() && a.day() == b.day();
}

}  // namespace

int DuplicateRuleWeight(DuplicateRule rule) {
  switch (rule) {
    case DuplicateRule::kSameEmail:
      return 40;
    case DuplicateRule::kSamePhone:
      return 30;
    case DuplicateRule::kSameNameAndBirthDate:
      return 50;
    case DuplicateRule::kSameFamilyNameAndAddress:
      return 35;
  }
  return 0;
}

std::vector<DuplicateMatch> MatchDuplicate(const v1::Profile& profile,
                                           const v1::Profile& candidate) {
  std::vector<DuplicateMatch> matches;
  std::set<std::string> emails;
  for (const v1::Email& email : profile.emails()) emails.insert(EmailAddressKey(email.address()));
  DuplicateMatch email{DuplicateRule::kSameEmail, {}};
  for (const v1::Email& other : candidate.emails()) {
    std::string key = EmailAddressKey(other.address());
    if (emails.contains(key)) email.values.push_back(key);
  }
  if (!email.values.empty()) matches.push_back(std::move(email));

  std::set<std::string> phones;
  for (const v1::Phone& phone : profile.phones()) phones.insert(phone.number());
  DuplicateMatch phone{DuplicateRule::kSamePhone, {}};
  for (const v1::Phone& other : candidate.phones()) {
    if (phones.contains(other.number())) phone.values.push_back(other.number());
  }
  if (!phone.values.empty()) matches.push_back(std::move(phone));

  std::string given = FoldCaseAndSpace(profile.given_name());
  std::string family = FoldCaseAndSpace(profile.family_name());
  if (!given.empty() && !family.empty() && profile.has_birth_date() && candidate.has_birth_date() &&
      given == FoldCaseAndSpace(candidate.given_name()) &&
      family == FoldCaseAndSpace(candidate.family_name()) &&
      SameDate(profile.birth_date(), candidate.birth_date())) {
    const google::type::Date& date = profile.birth_date();
    matches.push_back(
        {DuplicateRule::kSameNameAndBirthDate,
         {given, family, absl::StrCat(date.year(), "-", date.month(), "-", date.day())}});
  }

  if (!family.empty() && family == FoldCaseAndSpace(candidate.family_name())) {
    DuplicateMatch address{DuplicateRule::kSameFamilyNameAndAddress, {}};
    for (const v1::Address& mine : profile.addresses()) {
      if (mine.address_lines().empty()) continue;
      std::string postal = FoldCaseAndSpace(mine.postal_code());
      std::string line = FoldCaseAndSpace(mine.address_lines(0));
      if (postal.empty() || line.empty()) continue;
      for (const v1::Address& theirs : candidate.addresses()) {
        if (theirs.address_lines().empty()) continue;
        if (postal == FoldCaseAndSpace(theirs.postal_code()) &&
            line == FoldCaseAndSpace(theirs.address_lines(0))) {
          std::string value = absl::StrCat(line, ", ", postal);
          if (std::find(address.values.begin(), address.values.end(), value) ==
              address.values.end()) {
            address.values.push_back(std::move(value));
          }
        }
      }
    }
    if (!address.values.empty()) {
      address.values.insert(address.values.begin(), family);
      matches.push_back(std::move(address));
    }
  }
  return matches;
}

int DuplicateScore(const std::vector<DuplicateMatch>& matches) {
  int score = 0;
  for (const DuplicateMatch& match : matches) score += DuplicateRuleWeight(match.rule);
  return std::min(score, 100);
}

}  // namespace cp::domain

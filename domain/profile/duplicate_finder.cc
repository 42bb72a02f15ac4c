#include "domain/profile/duplicate_finder.h"

#include <algorithm>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "domain/common/errors.h"
#include "domain/common/idempotency.h"
#include "domain/common/page_token.h"
#include "domain/common/resource_names.h"
#include "domain/identity/duplicate_rules.h"
#include "domain/identity/email_address.h"
#include "domain/profile/profile_resource.h"
#include "storage/match_keys.h"

namespace cp::domain {
namespace {

namespace v1 = ::customerprofile::v1;
using storage::ProfileIdentifier;
using storage::ProfileRecord;
using storage::Transaction;

v1::DuplicateRule ToProto(DuplicateRule rule) {
  switch (rule) {
    case DuplicateRule::kSameEmail:
      return v1::DUPLICATE_RULE_SAME_EMAIL;
    case DuplicateRule::kSamePhone:
      return v1::DUPLICATE_RULE_SAME_PHONE;
    case DuplicateRule::kSameNameAndBirthDate:
      return v1::DUPLICATE_RULE_SAME_NAME_AND_BIRTH_DATE;
    case DuplicateRule::kSameFamilyNameAndAddress:
      return v1::DUPLICATE_RULE_SAME_FAMILY_NAME_AND_ADDRESS;
  }
  return v1::DUPLICATE_RULE_UNSPECIFIED;
}

// Before orders candidates: highest score first, then by name.
bool Before(const v1::DuplicateCandidate& a, const v1::DuplicateCandidate& b) {
  return std::make_tuple(-a.score(), a.profile().name()) <
         std::make_tuple(-b.score(), b.profile().name());
}

}  // namespace

DuplicateFinder::DuplicateFinder(storage::Store* store, PagingOptions paging)
    : store_(store), paging_(paging) {}

absl::StatusOr<v1::FindDuplicatesResponse> DuplicateFinder::FindDuplicates(
    const v1::FindDuplicatesRequest& request, const CallContext& context) {
  FieldViolations violations;
  AddInvalidUtf8(request, &violations);
  absl::StatusOr<std::string> id = ParseProfileName(request.name(), "name");
  if (!id.ok()) violations.AddAll(id.status());
  const int page_size = ResolvePageSize(request.page_size(), paging_, context, &violations);
  const ListQuery list{.kind = "duplicates", .parent = request.name()};
  std::optional<v1::DuplicateCandidate> after;
  if (!request.page_token().empty()) {
    absl::StatusOr<PageCursor> cursor = DecodePageToken(
        request.page_token(), list, {CursorFieldType::kInt, CursorFieldType::kString});
    if (!cursor.ok()) {
      violations.AddAll(cursor.status());
    } else {
      after.emplace();
      after->set_score(static_cast<int32_t>(std::get<int64_t>((*cursor)[0])));
      after->mutable_profile()->set_name(std::get<std::string>((*cursor)[1]));
    }
  }
  if (!violations.empty()) return violations.ToStatus();

  std::vector<v1::DuplicateCandidate> candidates;
  absl::Status status =
      store_->Run(storage::TransactionMode::kReadOnly, context.deadline, [&](Transaction& tx) {
        candidates.clear();
        auto record = tx.GetProfile(*id);
        if (!record.ok()) return record.status();
        if (!record->has_value()) return ProfileNotFound(*id);
        if (absl::Status s = CheckNotMerged(**record); !s.ok()) return s;
        if (absl::Status s = CheckNotDeleted(**record); !s.ok()) return s;
        const v1::Profile& profile = (*record)->profile;
        std::vector<ProfileIdentifier> identifiers;
        for (const v1::Email& email : profile.emails()) {
          identifiers.push_back(
              {ProfileIdentifier::Kind::kEmail, "", EmailAddressKey(email.address())});
        }
        for (const v1::Phone& phone : profile.phones()) {
          identifiers.push_back({ProfileIdentifier::Kind::kPhone, "", phone.number()});
        }
        // The duplicate index: folded name and birth date, family name and
        // address.
        for (std::string& key : storage::MatchKeysOf(profile)) {
          identifiers.push_back({ProfileIdentifier::Kind::kMatchKey, "", std::move(key)});
        }
        std::set<std::string> seen = {*id};
        for (const ProfileIdentifier& identifier : identifiers) {
          auto found = tx.LookupProfiles(identifier, kMaxPerIdentifier);
          if (!found.ok()) return found.status();
          for (const ProfileRecord& other : *found) {
            if (!seen.insert(other.id).second) continue;
            std::vector<DuplicateMatch> matches = MatchDuplicate(profile, other.profile);
            if (matches.empty()) continue;
            v1::DuplicateCandidate candidate;
            *candidate.mutable_profile() = ToProfileResource(other);
            candidate.set_score(DuplicateScore(matches));
            for (const DuplicateMatch& match : matches) {
              v1::DuplicateMatch* out = candidate.add_matches();
              out->set_rule(ToProto(match.rule));
              for (const std::string& value : match.values) out->add_values(value);
            }
            candidates.push_back(std::move(candidate));
          }
        }
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  std::sort(candidates.begin(), candidates.end(), Before);
  auto begin = candidates.begin();
  if (after.has_value()) {
    begin = std::upper_bound(candidates.begin(), candidates.end(), *after, Before);
  }
  v1::FindDuplicatesResponse response;
  for (auto it = begin; it != candidates.end(); ++it) {
    if (response.candidates_size() == page_size) {
      const v1::DuplicateCandidate& last = response.candidates(page_size - 1);
      response.set_next_page_token(
          EncodePageToken(list, {static_cast<int64_t>(last.score()), last.profile().name()}));
      break;
    }
    *response.add_candidates() = *it;
  }
  return response;
}

}  // namespace cp::domain

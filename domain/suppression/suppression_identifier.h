#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "customerprofile/v1/suppression.pb.h"
#include "domain/suppression/bulk_phone_normalizer.h"

namespace cp::domain {

// SuppressionIdentifiers normalises the identifiers of do-not-contact lists
// the way profile contact points are normalised, so that a list entry and a
// profile's contact point meet in one stored form:
//   - phone numbers: E.164 ("+4791234567"); national numbers are read in
//     the default phone region;
//   - email addresses: trimmed and wholly lowercased (a list blocks every
//     spelling of an address);
//   - email domains: trimmed and lowercased.
// Thread-safe.
class SuppressionIdentifiers {
 public:
  // SuppressionIdentifiers reads national phone numbers in
  // `default_phone_region` (ISO 3166-1 alpha-2; empty: only international
  // numbers).
  explicit SuppressionIdentifiers(std::string default_phone_region);

  // Normalize returns `text` as a list of `kind` stores it, or
  // INVALID_ARGUMENT whose message says what is wrong without repeating
  // the text.
  absl::StatusOr<std::string> Normalize(customerprofile::v1::IdentifierKind kind,
                                        absl::string_view text) const;

  // LookupKeys returns what to look up for `text` of any kind: an email
  // address gives the address and its domain, a phone number its E.164
  // form, a domain itself. INVALID_ARGUMENT as Normalize.
  absl::StatusOr<std::vector<std::string>> LookupKeys(absl::string_view text) const;

  // ContactPointKeys returns what to look up for a profile's stored
  // contact points: lowercased addresses with their domains, or phones as
  // they are.
  static std::vector<std::string> ContactPointKeys(const std::vector<std::string>& contact_points);

 private:
  // Phones go through it: NormalizePhoneNumber's answers, fifty times
  // faster on the common shapes of register lines.
  BulkPhoneNormalizer phones_;
};

}  // namespace cp::domain

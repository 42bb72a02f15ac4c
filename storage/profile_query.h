#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace cp::storage {

// FilterField names a profile field a list filter may test.
enum class FilterField {
  kRegionCode,
  kDisplayName,
  kCreateTime,        // compared as microseconds since the Unix epoch
  kUpdateTime,        // compared as microseconds since the Unix epoch
  kTags,              // repeated: kEq/kHas = "has this tag", kNe = "has not"
  kExternalIdSystem,  // repeated: "has an external id whose system ..."
  kExternalIdId,      // repeated: "has an external id whose id ..."
  kEmailAddress,      // repeated: "has an e-mail whose lookup value ..." (lowercased)
  kPhoneNumber,       // repeated: "has a phone whose number (E.164) ..."
  // The insights copied onto the profile row.
  kInsightsValueTier,            // '' without a tier
  kInsightsLastInteractionTime,  // micros; a profile without interactions
                                 // matches only !=
  // The interactions' columns (ListInteractions filters).
  kInteractionChannel,    // the InteractionChannel number
  kInteractionDirection,  // the InteractionDirection number
  kInteractionKind,       // the InteractionKind number
  kInteractionOccurTime,  // microseconds since the Unix epoch
  kInteractionSourceSystem,
  kInteractionCampaign,
};

// FilterOp is a comparison operator. kHas is AIP-160's ':'.
enum class FilterOp { kEq, kNe, kLt, kLe, kGt, kGe, kHas };

// FilterValue is a string, or a time in microseconds since the Unix epoch.
using FilterValue = std::variant<std::string, int64_t>;

// FilterNode is a parsed, type-checked filter expression. The domain builds
// it from AIP-160 text; storage renders it to parameterised SQL.
struct FilterNode {
  enum class Kind { kAnd, kOr, kNot, kCompare };
  Kind kind = Kind::kCompare;
  // kAnd and kOr: two or more operands; kNot: exactly one.
  std::vector<FilterNode> children;
  // kCompare only.
  FilterField field = FilterField::kRegionCode;
  FilterOp op = FilterOp::kEq;
  FilterValue value;
  // kCompare on a string with a trailing '*' wildcard (AIP-160): the value is
  // the prefix, matched with LIKE and escaped wildcards. Only kEq/kNe/kHas.
  bool prefix = false;
};

// ProfileOrderField is a column profiles can be listed by; the profile id
// always breaks ties, so the order is total and keyset pagination is exact.
// kInsightsLastInteractionTime orders profiles without interactions as if
// their last one was at the Unix epoch.
enum class ProfileOrderField {
  kCreateTime,
  kUpdateTime,
  kDisplayName,
  kInsightsLastInteractionTime
};

// ProfileCursor is the position after which a page starts: the order
// column's value of the last row returned (microseconds for times, the
// string for display_name) and that row's id.
struct ProfileCursor {
  std::variant<int64_t, std::string> key;
  std::string id;
};

// ProfileIdentifier is what LookupProfiles looks profiles up by.
struct ProfileIdentifier {
  // kMatchKey: a key of MatchKeysOf (storage/match_keys.h), for duplicate
  // candidates.
  enum class Kind { kEmail, kPhone, kExternalId, kMatchKey };
  Kind kind = Kind::kEmail;
  // kExternalId only: the issuing system.
  std::string system;
  // kEmail: an address, matched ASCII case-insensitively on the whole
  // address; kPhone: a number in E.164; kExternalId: the id in `system`.
  // Matched exactly as given otherwise: the domain trims and normalises.
  std::string value;
};

// ProfileListQuery selects one page of profiles.
struct ProfileListQuery {
  std::optional<FilterNode> filter;
  ProfileOrderField order_field = ProfileOrderField::kCreateTime;
  bool descending = false;
  bool show_deleted = false;
  // The store returns at most this many rows.
  int limit = 50;
  // Start strictly after this row in the chosen order; none = from the start.
  std::optional<ProfileCursor> after;
};

}  // namespace cp::storage

#include "domain/suppression/bulk_phone_normalizer.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "domain/common/errors.h"
#include "domain/identity/phone_number.h"
#include "phonenumbers/phonemetadata.pb.h"
#include "re2/re2.h"

// libphonenumber exports its compiled-in metadata (a serialised
// PhoneMetadataCollection) under these names, but Debian installs no header
// that declares them (upstream's is src/phonenumbers/metadata.h).
namespace i18n::phonenumbers {
int metadata_size();
const void* metadata_get();
}  // namespace i18n::phonenumbers

namespace cp::domain {
namespace {

using i18n::phonenumbers::PhoneMetadata;
using i18n::phonenumbers::PhoneMetadataCollection;
using i18n::phonenumbers::PhoneNumberDesc;

// libphonenumber's bounds on a national significant number
// (PhoneNumberUtil::kMinLengthForNsn and kMaxLengthForNsn).
constexpr size_t kMinNsnLength = 2;
constexpr size_t kMaxNsnLength = 17;

// Lines longer than this, or with more digits than this, go the slow way;
// no E.164 number needs them.
constexpr size_t kMaxFastLineLength = 64;
constexpr size_t kMaxFastDigits = 20;

// kNotValid is NormalizePhoneNumber's description of a number that parses
// but that IsValidNumber rejects; the equivalence tests hold the two equal.
constexpr absl::string_view kNotValid = "is not a valid phone number";

// The region code of libphonenumber's non-geographical entities, which never
// serves as a default region.
constexpr absl::string_view kNonGeographicalRegion = "001";
// The region code libphonenumber uses for "unknown"; never a real region.
constexpr absl::string_view kUnknownRegion = "ZZ";

// The result of libphonenumber's TestNumberLength.
enum class LengthCheck { kPossible, kPossibleLocalOnly, kTooShort, kTooLong, kInvalidLength };

// Piece views `text` as RE2's string type.
re2::StringPiece Piece(absl::string_view text) {
  return re2::StringPiece(text.data(), text.size());
}

// FullMatch is libphonenumber's RegExp::FullMatch.
bool FullMatch(const RE2& pattern, absl::string_view text) {
  return pattern.Match(Piece(text), 0, text.size(), RE2::ANCHOR_BOTH, nullptr, 0);
}

// PrefixMatch is whether libphonenumber's anchored RegExp::Consume succeeds.
bool PrefixMatch(const RE2& pattern, absl::string_view text) {
  return pattern.Match(Piece(text), 0, text.size(), RE2::ANCHOR_START, nullptr, 0);
}

// Compile compiles a metadata pattern, clearing `*ok` when RE2 rejects it.
std::unique_ptr<RE2> Compile(const std::string& pattern, bool* ok) {
  RE2::Options options;
  options.set_log_errors(false);
  options.set_never_capture(true);
  auto compiled = std::make_unique<RE2>(pattern, options);
  if (!compiled->ok()) *ok = false;
  return compiled;
}

// Contains is whether `values` (possible lengths) holds `value`.
bool Contains(const google::protobuf::RepeatedField<int32_t>& values, int value) {
  return std::find(values.begin(), values.end(), value) != values.end();
}

// TestNumberLength is libphonenumber's TestNumberLength for the general
// description (type UNKNOWN); the caller has checked that it lists possible
// lengths.
LengthCheck TestNumberLength(size_t length, const PhoneMetadata& metadata) {
  const auto& possible = metadata.general_desc().possible_length();
  const auto& local_only = metadata.general_desc().possible_length_local_only();
  const int actual = static_cast<int>(length);
  if (possible.Get(0) == -1) return LengthCheck::kInvalidLength;
  if (Contains(local_only, actual)) return LengthCheck::kPossibleLocalOnly;
  if (possible.Get(0) == actual) return LengthCheck::kPossible;
  if (possible.Get(0) > actual) return LengthCheck::kTooShort;
  if (possible.Get(possible.size() - 1) < actual) return LengthCheck::kTooLong;
  return std::find(possible.begin() + 1, possible.end(), actual) != possible.end()
             ? LengthCheck::kPossible
             : LengthCheck::kInvalidLength;
}

// IsAsciiWhitespace is whether `c` is ASCII white space, which
// NormalizePhoneNumber trims like all Unicode white space.
bool IsAsciiWhitespace(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

// IsSeparator is whether `c` is punctuation that libphonenumber ignores in
// the fast path's shapes.
bool IsSeparator(char c) { return c == ' ' || c == '-' || c == '.' || c == '(' || c == ')'; }

}  // namespace

// RegionRules is one region's metadata with its patterns compiled.
struct BulkPhoneNormalizer::RegionRules {
  // RegionRules compiles what the fast path needs of `region_metadata`.
  explicit RegionRules(const PhoneMetadata& region_metadata);

  // MatchesGeneralPattern is libphonenumber's IsMatch against the general
  // description: the pattern only, not the possible lengths.
  bool MatchesGeneralPattern(absl::string_view number) const {
    return general != nullptr && FullMatch(*general, number);
  }

  // HasNumberType is whether GetNumberTypeHelper returns a type other than
  // UNKNOWN for the national significant number `nsn`.
  bool HasNumberType(absl::string_view nsn) const {
    if (nsn.size() > kMaxNsnLength) return false;
    const PhoneNumberDesc& general_desc = metadata->general_desc();
    if (general_desc.possible_length_size() > 0 &&
        !Contains(general_desc.possible_length(), static_cast<int>(nsn.size()))) {
      return false;
    }
    if (!MatchesGeneralPattern(nsn)) return false;
    const RE2* types = types_by_length[nsn.size()];
    return types != nullptr && FullMatch(*types, nsn);
  }

  const PhoneMetadata* metadata;
  // Whether every pattern compiled and the metadata has the shape the fast
  // path relies on.
  bool usable = true;

  // GetRegionCodeForNumberFromRegionList: leading digits, when present.
  std::unique_ptr<RE2> leading_digits;
  // GetNumberTypeHelper: the general description (null: matches nothing) and,
  // per national number length, one alternation of every number type whose
  // possible lengths allow that length (null: no type does).
  std::unique_ptr<RE2> general;
  std::vector<std::unique_ptr<RE2>> type_alternations;
  std::array<const RE2*, kMaxNsnLength + 1> types_by_length{};

  // Parsing: the international prefix and the national prefix for parsing,
  // either a plain string of digits without transform rule or a pattern.
  std::unique_ptr<RE2> international_prefix;
  std::string national_prefix_digits;
  std::unique_ptr<RE2> national_prefix_pattern;
};

BulkPhoneNormalizer::RegionRules::RegionRules(const PhoneMetadata& region_metadata)
    : metadata(&region_metadata) {
  if (metadata->has_leading_digits()) leading_digits = Compile(metadata->leading_digits(), &usable);
  const PhoneNumberDesc& general_desc = metadata->general_desc();
  if (!general_desc.national_number_pattern().empty()) {
    general = Compile(general_desc.national_number_pattern(), &usable);
  }
  // TestNumberLength reads the first general possible length unchecked.
  if (general_desc.possible_length_size() == 0) usable = false;

  // GetNumberTypeHelper's order; fixed line and mobile last, and mobile only
  // when its pattern differs from the fixed-line one. Only whether some type
  // matches matters, so one alternation per set of types serves.
  std::vector<const PhoneNumberDesc*> types = {
      &metadata->premium_rate(), &metadata->toll_free(),       &metadata->shared_cost(),
      &metadata->voip(),         &metadata->personal_number(), &metadata->pager(),
      &metadata->uan(),          &metadata->voicemail(),       &metadata->fixed_line()};
  if (!metadata->same_mobile_and_fixed_line_pattern()) types.push_back(&metadata->mobile());
  std::map<uint32_t, const RE2*> by_type_set;
  for (size_t length = kMinNsnLength; length <= kMaxNsnLength; ++length) {
    uint32_t type_set = 0;
    std::vector<std::string> alternatives;
    for (size_t i = 0; i < types.size(); ++i) {
      const PhoneNumberDesc& desc = *types[i];
      // IsNumberMatchingDesc: an empty pattern never matches, and listed
      // possible lengths must include the length.
      if (desc.national_number_pattern().empty()) continue;
      if (desc.possible_length_size() > 0 &&
          !Contains(desc.possible_length(), static_cast<int>(length))) {
        continue;
      }
      type_set |= uint32_t{1} << i;
      alternatives.push_back(absl::StrCat("(?:", desc.national_number_pattern(), ")"));
    }
    if (type_set == 0) continue;
    auto [it, inserted] = by_type_set.emplace(type_set, nullptr);
    if (inserted) {
      type_alternations.push_back(Compile(absl::StrJoin(alternatives, "|"), &usable));
      it->second = type_alternations.back().get();
    }
    types_by_length[length] = it->second;
  }

  international_prefix = Compile(metadata->international_prefix(), &usable);
  const std::string& national_prefix = metadata->national_prefix_for_parsing();
  if (!national_prefix.empty()) {
    const bool digits_only = std::all_of(national_prefix.begin(), national_prefix.end(),
                                         [](char c) { return c >= '0' && c <= '9'; });
    if (digits_only && metadata->national_prefix_transform_rule().empty()) {
      national_prefix_digits = national_prefix;
    } else {
      national_prefix_pattern = Compile(national_prefix, &usable);
    }
  }
}

// CallingCodeRules is the compiled rules of one country calling code's
// regions, in libphonenumber's order.
struct BulkPhoneNormalizer::CallingCodeRules {
  bool usable = true;
  std::vector<RegionRules> regions;
};

BulkPhoneNormalizer::BulkPhoneNormalizer(absl::string_view default_region)
    : default_region_(default_region), metadata_(std::make_unique<PhoneMetadataCollection>()) {
  if (!metadata_->ParseFromArray(i18n::phonenumbers::metadata_get(),
                                 i18n::phonenumbers::metadata_size())) {
    // Without metadata every line takes the slow path.
    metadata_->Clear();
  }
  const PhoneMetadata* default_metadata = nullptr;
  for (const PhoneMetadata& metadata : metadata_->metadata()) {
    if (metadata.id() == kUnknownRegion) continue;
    const int code = metadata.country_code();
    if (code <= 0 || code >= static_cast<int>(calling_codes_.size())) continue;
    // PhoneNumberUtil's constructor: the main country of a calling code goes
    // first, the others follow in metadata order.
    std::unique_ptr<CallingCode>& calling_code = calling_codes_[code];
    if (calling_code == nullptr) {
      calling_code = std::make_unique<CallingCode>();
      calling_code->code = code;
      calling_code->regions.push_back(&metadata);
    } else if (metadata.main_country_for_code()) {
      calling_code->regions.insert(calling_code->regions.begin(), &metadata);
    } else {
      calling_code->regions.push_back(&metadata);
    }
    if (metadata.id() == default_region_ && metadata.id() != kNonGeographicalRegion &&
        default_metadata == nullptr) {
      default_metadata = &metadata;
    }
  }
  if (default_metadata == nullptr) return;
  default_calling_code_ = calling_codes_[default_metadata->country_code()].get();
  default_calling_code_digits_ = absl::StrCat(default_calling_code_->code);
  const CallingCodeRules& rules = Rules(*default_calling_code_);
  if (!rules.usable) return;
  for (const RegionRules& region : rules.regions) {
    if (region.metadata == default_metadata) default_rules_ = &region;
  }
}

BulkPhoneNormalizer::~BulkPhoneNormalizer() = default;

const BulkPhoneNormalizer::CallingCodeRules& BulkPhoneNormalizer::Rules(
    const CallingCode& calling_code) const {
  absl::call_once(calling_code.once, [&calling_code] {
    auto rules = std::make_unique<CallingCodeRules>();
    for (const PhoneMetadata* metadata : calling_code.regions) {
      rules->regions.emplace_back(*metadata);
      rules->usable = rules->usable && rules->regions.back().usable;
    }
    // A non-geographical entity shares its calling code with no region;
    // libphonenumber could not resolve such a list either.
    if (rules->regions.size() > 1) {
      for (const RegionRules& region : rules->regions) {
        if (region.metadata->id() == kNonGeographicalRegion) rules->usable = false;
      }
    }
    calling_code.rules = std::move(rules);
  });
  return *calling_code.rules;
}

bool BulkPhoneNormalizer::StripNationalPrefix(const RegionRules& region,
                                              absl::string_view* number) const {
  if (number->empty()) return true;
  if (region.national_prefix_pattern != nullptr) {
    // A pattern may capture, transform or carry a carrier code: the fast path
    // is sure only when it cannot apply.
    return !PrefixMatch(*region.national_prefix_pattern, *number);
  }
  const std::string& prefix = region.national_prefix_digits;
  if (prefix.empty() || !absl::StartsWith(*number, prefix)) return true;
  absl::string_view rest = number->substr(prefix.size());
  // The prefix stays when it turns a number matching the general pattern
  // into one that does not.
  if (region.MatchesGeneralPattern(*number) && !region.MatchesGeneralPattern(rest)) return true;
  *number = rest;
  return true;
}

bool BulkPhoneNormalizer::IsValid(const CallingCode& calling_code, absl::string_view nsn) const {
  const CallingCodeRules& rules = Rules(calling_code);
  // GetRegionCodeForNumber, then IsValidNumberForRegion.
  const RegionRules* region = nullptr;
  if (rules.regions.size() == 1) {
    region = &rules.regions.front();
  } else {
    for (const RegionRules& candidate : rules.regions) {
      const bool belongs = candidate.leading_digits != nullptr
                               ? PrefixMatch(*candidate.leading_digits, nsn)
                               : candidate.HasNumberType(nsn);
      if (belongs) {
        region = &candidate;
        break;
      }
    }
  }
  return region != nullptr && region->HasNumberType(nsn);
}

std::optional<absl::StatusOr<std::string>> BulkPhoneNormalizer::TryFastPath(
    absl::string_view line) const {
  if (line.size() > kMaxFastLineLength) return std::nullopt;
  while (!line.empty() && IsAsciiWhitespace(line.front())) line.remove_prefix(1);
  while (!line.empty() && IsAsciiWhitespace(line.back())) line.remove_suffix(1);

  // ExtractPossibleNumber, IsViablePhoneNumber and Normalize for lines of
  // digits and separators with at most one '+' before the first digit.
  char buffer[kMaxFastDigits];
  size_t digit_count = 0;
  bool plus = false;
  for (char c : line) {
    if (c >= '0' && c <= '9') {
      if (digit_count == kMaxFastDigits) return std::nullopt;
      buffer[digit_count++] = c;
    } else if (c == '+') {
      if (plus || digit_count > 0) return std::nullopt;
      plus = true;
    } else if (!IsSeparator(c)) {
      return std::nullopt;
    }
  }
  // Two digits or fewer are parse errors or need the two-digit special case.
  if (digit_count < 3) return std::nullopt;
  const absl::string_view digits(buffer, digit_count);

  // MaybeExtractCountryCode.
  const CallingCode* calling_code = nullptr;
  const RegionRules* parse_region = nullptr;
  absl::string_view nsn;
  if (plus) {
    // ExtractCountryCode: the shortest prefix of one to three digits that is
    // a known calling code. A leading zero or an unknown code makes
    // libphonenumber retry in ways the fast path does not follow.
    if (digits[0] == '0') return std::nullopt;
    int code = 0;
    for (size_t i = 0; i < 3; ++i) {
      code = code * 10 + (digits[i] - '0');
      if (calling_codes_[code] != nullptr) {
        calling_code = calling_codes_[code].get();
        nsn = digits.substr(i + 1);
        break;
      }
    }
    if (calling_code == nullptr) return std::nullopt;
    const CallingCodeRules& rules = Rules(*calling_code);
    if (!rules.usable) return std::nullopt;
    parse_region = &rules.regions.front();
  } else {
    // Without a valid default region only "+" numbers parse.
    if (default_rules_ == nullptr) return std::nullopt;
    // An international prefix such as "00" (or a zero after it) takes
    // libphonenumber's IDD handling.
    if (PrefixMatch(*default_rules_->international_prefix, digits)) return std::nullopt;
    calling_code = default_calling_code_;
    parse_region = default_rules_;
    nsn = digits;
    // The default region's calling code without '+' is dropped when the
    // number matches the general pattern only without it, or is too long
    // with it.
    if (absl::StartsWith(digits, default_calling_code_digits_)) {
      absl::string_view potential = digits.substr(default_calling_code_digits_.size());
      if (!StripNationalPrefix(*default_rules_, &potential)) return std::nullopt;
      if ((!default_rules_->MatchesGeneralPattern(digits) &&
           default_rules_->MatchesGeneralPattern(potential)) ||
          TestNumberLength(digits.size(), *default_rules_->metadata) == LengthCheck::kTooLong) {
        nsn = potential;
        parse_region = &Rules(*calling_code).regions.front();
      }
    }
  }

  // ParseHelper: the national prefix is stripped only when what remains has
  // a possible length.
  if (nsn.size() < kMinNsnLength) return std::nullopt;
  absl::string_view stripped = nsn;
  if (!StripNationalPrefix(*parse_region, &stripped)) return std::nullopt;
  if (stripped.size() != nsn.size()) {
    const LengthCheck check = TestNumberLength(stripped.size(), *parse_region->metadata);
    if (check == LengthCheck::kPossible || check == LengthCheck::kTooLong) nsn = stripped;
  }
  if (nsn.size() < kMinNsnLength || nsn.size() > kMaxNsnLength) return std::nullopt;

  if (!IsValid(*calling_code, nsn)) {
    return absl::StatusOr<std::string>(absl::InvalidArgumentError(kNotValid));
  }
  // Format(E164): the national significant number keeps its leading zeros.
  return absl::StatusOr<std::string>(absl::StrCat("+", calling_code->code, nsn));
}

absl::StatusOr<std::string> BulkPhoneNormalizer::SlowPath(absl::string_view line) const {
  std::string number(line);
  FieldViolations violations;
  if (NormalizePhoneNumber("number", default_region_, &number, &violations)) return number;
  return absl::InvalidArgumentError(violations.violations().front().second);
}

absl::StatusOr<std::string> BulkPhoneNormalizer::Normalize(absl::string_view line) const {
  std::optional<absl::StatusOr<std::string>> fast = TryFastPath(line);
  if (fast.has_value()) return *std::move(fast);
  return SlowPath(line);
}

}  // namespace cp::domain

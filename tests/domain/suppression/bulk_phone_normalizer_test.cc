#include "domain/suppression/bulk_phone_normalizer.h"

#include <cstdint>
#include <iterator>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "domain/identity/phone_number.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "phonenumbers/phonenumber.pb.h"
#include "phonenumbers/phonenumberutil.h"

namespace cp::domain {
namespace {

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

// The regions the sweeps read national numbers in, plus "" (international
// numbers only).
const char* const kRegions[] = {"NO", "SE", "DE", "GB", "US", "IT", "FR", ""};

// Random is a deterministic SplitMix64 generator, so that every run sweeps
// the same inputs.
class Random {
 public:
  explicit Random(uint64_t seed) : state_(seed) {}

  // Next returns the next 64 random bits.
  uint64_t Next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
    z = (z ^ (z >> 27)) * 0x94d049bb133111eb;
    return z ^ (z >> 31);
  }

  // Below returns a number in [0, n).
  int Below(int n) { return static_cast<int>(Next() % static_cast<uint64_t>(n)); }

  // Digits returns `count` random decimal digits.
  std::string Digits(int count) {
    std::string digits;
    for (int i = 0; i < count; ++i) digits += static_cast<char>('0' + Below(10));
    return digits;
  }

 private:
  uint64_t state_;
};

// Reference returns NormalizePhoneNumber's answer in Normalize's shape.
absl::StatusOr<std::string> Reference(const std::string& region, std::string line) {
  FieldViolations violations;
  if (NormalizePhoneNumber("number", region, &line, &violations)) return line;
  return absl::InvalidArgumentError(violations.violations().front().second);
}

// Describe renders a result for comparison and failure messages.
std::string Describe(const absl::StatusOr<std::string>& result) {
  if (result.ok()) return *result;
  return absl::StrCat("<", result.status().ToString(), ">");
}

// ExpectEquivalent checks that BulkPhoneNormalizer answers every line exactly
// as NormalizePhoneNumber does, and that the fast path, whenever it decides,
// agrees too; it reports the first mismatches input by input.
void ExpectEquivalent(const std::string& region, const std::vector<std::string>& lines) {
  const BulkPhoneNormalizer normalizer(region);
  int mismatches = 0;
  for (const std::string& line : lines) {
    const std::string expected = Describe(Reference(region, line));
    const std::string actual = Describe(normalizer.Normalize(line));
    const std::optional<absl::StatusOr<std::string>> fast = normalizer.TryFastPath(line);
    const std::string fast_actual = fast.has_value() ? Describe(*fast) : expected;
    if (actual == expected && fast_actual == expected) continue;
    if (++mismatches <= 20) {
      ADD_FAILURE() << "region \"" << region << "\", line \"" << absl::CEscape(line)
                    << "\": NormalizePhoneNumber gives " << expected << ", Normalize gives "
                    << actual << ", TryFastPath gives " << (fast.has_value() ? fast_actual : "-");
    }
  }
  EXPECT_EQ(mismatches, 0) << "mismatches among " << lines.size() << " lines in region \"" << region
                           << "\"";
}

// RandomDigitLines returns `count` digit strings of 1 to 16 random digits.
std::vector<std::string> RandomDigitLines(Random* random, int count) {
  std::vector<std::string> lines;
  for (int i = 0; i < count; ++i) lines.push_back(random->Digits(1 + random->Below(16)));
  return lines;
}

// CallingCodes returns every calling code libphonenumber knows.
std::vector<int> CallingCodes() {
  std::set<int> codes;
  PhoneNumberUtil::GetInstance()->GetSupportedCallingCodes(&codes);
  return std::vector<int>(codes.begin(), codes.end());
}

// Verifies equivalence on 40,000 random digit strings (lengths 1 to 16) per
// region: national numbers, zero-led ones, international prefixes and the
// region's calling code without '+'.
TEST(BulkPhoneNormalizerTest, MatchesNormalizePhoneNumberOnRandomDigits) {
  Random random(1);
  for (const char* region : kRegions) {
    ExpectEquivalent(region, RandomDigitLines(&random, 40000));
  }
}

// Verifies equivalence on '+' followed by a known calling code, a random one
// (often unknown) or a zero, and random digits.
TEST(BulkPhoneNormalizerTest, MatchesNormalizePhoneNumberOnInternationalNumbers) {
  Random random(2);
  const std::vector<int> codes = CallingCodes();
  std::vector<std::string> lines;
  for (int i = 0; i < 30000; ++i) {
    std::string code;
    switch (random.Below(4)) {
      case 0:
        code = random.Digits(1 + random.Below(3));
        break;
      case 1:
        code = "0";
        break;
      default:
        code = absl::StrCat(codes[random.Below(static_cast<int>(codes.size()))]);
    }
    lines.push_back(absl::StrCat("+", code, random.Digits(1 + random.Below(14))));
  }
  for (const char* region : {"NO", "US", ""}) ExpectEquivalent(region, lines);
}

// ExampleLines returns, for every region's example numbers of every type,
// variants with a few digits changed, added or removed, written nationally,
// with '+', with the calling code alone, with "00", with a national prefix
// (right or wrong) and in libphonenumber's own national and international
// formats.
std::vector<std::string> ExampleLines(Random* random) {
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  std::set<std::string> regions;
  util.GetSupportedRegions(&regions);
  std::vector<std::string> lines;
  for (const std::string& region : regions) {
    for (int type = PhoneNumberUtil::FIXED_LINE; type <= PhoneNumberUtil::VOICEMAIL; ++type) {
      PhoneNumber example;
      if (!util.GetExampleNumberForType(region, static_cast<PhoneNumberUtil::PhoneNumberType>(type),
                                        &example)) {
        continue;
      }
      std::string nsn, national, international;
      util.GetNationalSignificantNumber(example, &nsn);
      util.Format(example, PhoneNumberUtil::NATIONAL, &national);
      util.Format(example, PhoneNumberUtil::INTERNATIONAL, &international);
      lines.push_back(national);
      lines.push_back(international);
      const std::string code = absl::StrCat(example.country_code());
      for (int variant = 0; variant < 2; ++variant) {
        std::string digits = nsn;
        for (int change = random->Below(4); change > 0; --change) {
          const size_t tail = std::min<size_t>(digits.size(), 5);
          digits[digits.size() - 1 - random->Below(static_cast<int>(tail))] =
              static_cast<char>('0' + random->Below(10));
        }
        if (random->Below(5) == 0) digits += random->Digits(1);
        if (random->Below(5) == 0 && digits.size() > 3) digits.pop_back();
        for (const std::string& line :
             {digits, "+" + code + digits, code + digits, "0" + digits, "00" + code + digits,
              "+" + code + " 0" + digits, "1" + digits, "8" + digits}) {
          lines.push_back(line);
        }
      }
    }
  }
  return lines;
}

// Verifies equivalence on numbers near every region's example numbers, which
// are mostly valid, in each default region of the sweep.
TEST(BulkPhoneNormalizerTest, MatchesNormalizePhoneNumberNearExampleNumbers) {
  Random random(3);
  const std::vector<std::string> lines = ExampleLines(&random);
  for (const char* region : kRegions) ExpectEquivalent(region, lines);
}

// Verifies equivalence with every supported region as the default region,
// on a sample of the lines near example numbers and on random digits.
TEST(BulkPhoneNormalizerTest, MatchesNormalizePhoneNumberInEveryRegion) {
  Random random(8);
  const std::vector<std::string> examples = ExampleLines(&random);
  std::set<std::string> regions;
  PhoneNumberUtil::GetInstance()->GetSupportedRegions(&regions);
  for (const std::string& region : regions) {
    std::vector<std::string> lines;
    for (int i = 0; i < 1000; ++i) {
      lines.push_back(examples[random.Below(static_cast<int>(examples.size()))]);
    }
    for (const std::string& line : RandomDigitLines(&random, 200)) lines.push_back(line);
    ExpectEquivalent(region, lines);
  }
}

// Formatted writes `digits` with random separators, a random prefix and a
// random suffix.
std::string Formatted(Random* random, const std::string& digits) {
  static const char* const kPrefixes[] = {"",  "",   "+", "+ ", "(+", "0",  "(0)", "00",
                                          " ", "\t", "(", "-",  ".",  "+(", "++",  "0 0"};
  static const char* const kSeparators[] = {" ", "-", ".", "(", ")", " - ", "  ", "/", "\t"};
  static const char* const kSuffixes[] = {"", "", " ", ")", "\r", "\n", ".", "-", "#", " x12"};
  std::string line = kPrefixes[random->Below(std::size(kPrefixes))];
  for (char digit : digits) {
    line += digit;
    if (random->Below(5) == 0) line += kSeparators[random->Below(std::size(kSeparators))];
  }
  return line + kSuffixes[random->Below(std::size(kSuffixes))];
}

// Verifies equivalence on numbers written with spaces, dashes, dots,
// parentheses, "(0)", "00", stray characters and surrounding white space.
TEST(BulkPhoneNormalizerTest, MatchesNormalizePhoneNumberOnFormattedNumbers) {
  Random random(4);
  std::vector<std::string> lines;
  for (int i = 0; i < 20000; ++i) {
    lines.push_back(Formatted(&random, random.Digits(3 + random.Below(12))));
  }
  Random example_random(5);
  for (const std::string& example : ExampleLines(&example_random)) {
    if (random.Below(4) == 0) lines.push_back(Formatted(&random, example));
  }
  for (const char* region : kRegions) ExpectEquivalent(region, lines);
}

// Verifies equivalence on hand-written awkward lines: empty and blank lines,
// letters, extensions, international prefixes, non-ASCII digits and white
// space, invalid UTF-8, RFC 3966 and over-long lines.
TEST(BulkPhoneNormalizerTest, MatchesNormalizePhoneNumberOnAwkwardLines) {
  const std::vector<std::string> lines = {
      "",
      " ",
      "\t\r\n",
      "+",
      "+ ",
      "0",
      "12",
      "123",
      "+12",
      "+479",
      "+4791",
      "abc",
      "not a number",
      "912 34 ABC",
      "1-800-FLOWERS",
      "+47 912 34 567 ext. 12",
      "+47 912 34 567 x12",
      "912 34 567 ext 3",
      "912 34 567#",
      "912 34 567;ext=5",
      "*912 34 567",
      "912*34*567",
      "#91234567",
      "00 47 912 34 567",
      "0047 912 34 567",
      "00 46 70 123 45 67",
      "011 47 912 34 567",
      "+00 47 912 34 567",
      "+0047912345567",
      "++47 912 34 567",
      "+47+91234567",
      "912+34567",
      "(+47) 912 34 567",
      "+47 (0) 912 34 567",
      "(0) 912 34 567",
      "+44 (0)20 7946 0958",
      "020 7946 0958",
      "+39 02 1234 5678",
      "02 1234 5678",
      "+39 312 345 6789",
      "+1 (201) 555-0123",
      "1 (201) 555-0123",
      "(201) 555-0123",
      "+7 912 345-67-89",
      "8 (912) 345-67-89",
      "+54 9 11 1234-5678",
      "+55 11 91234-5678",
      "+52 1 55 1234 5678",
      "+800 1234 5678",
      "+882 1234 5678",
      "+999 12345678",
      "47 912 34 567",
      "4791234567",
      "479123456",
      "91234567",
      "9123456",
      "912345678",
      "0000 0000",
      "00000",
      "01234",
      "79123456",
      "+4779123456",
      "\xEF\xBC\x99\xEF\xBC\x91\xEF\xBC\x92\xEF\xBC\x93\xEF\xBC\x94\xEF\xBC\x95\xEF\xBC\x96"
      "\xEF\xBC\x97",  // full-width digits
      "\xEF\xBC\x8B"
      "4791234567",  // full-width plus
      "\xC2\xA0"
      "91234567\xC2\xA0",  // no-break spaces around
      "912\xC2\xA0"
      "34\xC2\xA0"
      "567",  // no-break spaces inside
      "912\xE2\x80\x93"
      "34567",  // en dash
      "+47\xff\xfe",
      "tel:+47-912-34-567",
      "tel:912-34-567;phone-context=+47",
      "912 34 567 / 913 45 678",
      "912 34 567, 913 45 678",
      std::string(40, '9'),
      "+" + std::string(40, '4'),
      std::string(100, ' ') + "91234567",
      std::string(1000, '1'),
      std::string("912\0"
                  "34567",
                  9),
  };
  for (const char* region : {"NO", "SE", "DE", "GB", "US", "IT", "FR", "RU", "AR", "BR", "SJ", "CA",
                             "", "ZZ", "001", "no", "XX"}) {
    ExpectEquivalent(region, lines);
  }
}

// Verifies known answers, fast and slow.
TEST(BulkPhoneNormalizerTest, NormalizesKnownNumbers) {
  const BulkPhoneNormalizer norway("NO");
  EXPECT_EQ(Describe(norway.Normalize("91234567")), "+4791234567");
  EXPECT_EQ(Describe(norway.Normalize(" 412 34 567 ")), "+4741234567");
  EXPECT_EQ(Describe(norway.Normalize("+47 412-34-567")), "+4741234567");
  EXPECT_EQ(Describe(norway.Normalize("4741234567")), "+4741234567");
  EXPECT_EQ(Describe(norway.Normalize("0047 412 34 567")), "+4741234567");
  EXPECT_EQ(Describe(norway.Normalize("22 12 34 56")), "+4722123456");
  EXPECT_EQ(Describe(norway.Normalize("79123456")), "+4779123456");  // Svalbard
  EXPECT_EQ(Describe(norway.Normalize("+46 70 123 45 67")), "+46701234567");
  EXPECT_EQ(Describe(norway.Normalize("+44 (0)7911 123456")), "+447911123456");
  EXPECT_EQ(Describe(norway.Normalize("+39 02 1234 5678")), "+390212345678");
  EXPECT_EQ(Describe(norway.Normalize("12345678")),
            "<INVALID_ARGUMENT: is not a valid phone number>");
  EXPECT_EQ(Describe(norway.Normalize("+47 912 34 567 ext. 12")),
            "<INVALID_ARGUMENT: must not have an extension>");
  EXPECT_EQ(Describe(norway.Normalize("  ")), "<INVALID_ARGUMENT: is required>");

  EXPECT_EQ(Describe(BulkPhoneNormalizer("SE").Normalize("070-123 45 67")), "+46701234567");
  EXPECT_EQ(Describe(BulkPhoneNormalizer("GB").Normalize("07911 123456")), "+447911123456");
  EXPECT_EQ(Describe(BulkPhoneNormalizer("DE").Normalize("030 123456")), "+4930123456");
  EXPECT_EQ(Describe(BulkPhoneNormalizer("IT").Normalize("02 1234 5678")), "+390212345678");
  EXPECT_EQ(Describe(BulkPhoneNormalizer("US").Normalize("(201) 555-0123")), "+12015550123");
  EXPECT_EQ(Describe(BulkPhoneNormalizer("US").Normalize("1 201 555 0123")), "+12015550123");

  const BulkPhoneNormalizer international_only("");
  EXPECT_EQ(Describe(international_only.Normalize("+47 912 34 567")), "+4791234567");
  EXPECT_EQ(Describe(international_only.Normalize("912 34 567")),
            "<INVALID_ARGUMENT: must be a phone number in international form or in the "
            "national form of the default region>");
}

// Verifies that the common register lines take the fast path.
TEST(BulkPhoneNormalizerTest, DecidesTypicalLinesOnTheFastPath) {
  Random random(6);
  const BulkPhoneNormalizer norway("NO");
  for (int i = 0; i < 2000; ++i) {
    const std::string digits = (i % 2 == 0 ? "4" : "9") + random.Digits(7);
    for (const std::string& line :
         {digits, "+47" + digits,
          "+47 " + digits.substr(0, 3) + " " + digits.substr(3, 2) + " " + digits.substr(5),
          digits.substr(0, 3) + "-" + digits.substr(3)}) {
      EXPECT_TRUE(norway.TryFastPath(line).has_value()) << line;
    }
  }
  EXPECT_TRUE(norway.TryFastPath("+46 70 123 45 67").has_value());
  EXPECT_TRUE(BulkPhoneNormalizer("SE").TryFastPath("070-123 45 67").has_value());
  EXPECT_TRUE(BulkPhoneNormalizer("GB").TryFastPath("07911 123456").has_value());
  EXPECT_TRUE(BulkPhoneNormalizer("US").TryFastPath("(201) 555-0123").has_value());
  // The fast path leaves what it cannot be sure of to NormalizePhoneNumber.
  EXPECT_FALSE(norway.TryFastPath("0047 912 34 567").has_value());
  EXPECT_FALSE(norway.TryFastPath("+47 912 34 567 ext. 12").has_value());
  EXPECT_FALSE(norway.TryFastPath("").has_value());
}

// Verifies that rejection reasons never echo the number.
TEST(BulkPhoneNormalizerTest, ReasonsDoNotEchoTheNumber) {
  const BulkPhoneNormalizer norway("NO");
  for (const std::string line : {"98765", "+47 98765", "12345678", "+999 98765432"}) {
    absl::StatusOr<std::string> result = norway.Normalize(line);
    ASSERT_FALSE(result.ok()) << line;
    EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(result.status().message().find("98765"), absl::string_view::npos);
    EXPECT_EQ(result.status().message().find("12345678"), absl::string_view::npos);
  }
}

// Verifies that threads sharing one normaliser, including the first use of
// calling codes compiled lazily, get NormalizePhoneNumber's answers.
TEST(BulkPhoneNormalizerTest, IsSafeToShareBetweenThreads) {
  Random random(7);
  const std::vector<int> codes = CallingCodes();
  std::vector<std::string> lines;
  for (int i = 0; i < 4000; ++i) {
    lines.push_back(absl::StrCat("+", codes[random.Below(static_cast<int>(codes.size()))],
                                 random.Digits(6 + random.Below(6))));
  }
  std::vector<std::string> expected;
  for (const std::string& line : lines) expected.push_back(Describe(Reference("NO", line)));

  const BulkPhoneNormalizer normalizer("NO");
  std::vector<std::vector<std::string>> actual(4);
  std::vector<std::thread> threads;
  for (auto& results : actual) {
    threads.emplace_back([&normalizer, &lines, &results] {
      for (const std::string& line : lines) results.push_back(Describe(normalizer.Normalize(line)));
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (const auto& results : actual) EXPECT_EQ(results, expected);
}

}  // namespace
}  // namespace cp::domain

#include "domain/profile/profile_validator.h"

#include <cmath>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/civil_time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cp::domain {
namespace {

using customerprofile::v1::ADDRESS_LABEL_HOME;
using customerprofile::v1::AddressLabel;
using customerprofile::v1::EMAIL_LABEL_HOME;
using customerprofile::v1::EMAIL_LABEL_WORK;
using customerprofile::v1::EmailLabel;
using customerprofile::v1::PHONE_LABEL_MOBILE;
using customerprofile::v1::PhoneLabel;
using customerprofile::v1::Profile;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

// 2026-03-15 12:00 UTC.
absl::Time TestNow() {
  return absl::FromCivil(absl::CivilSecond(2026, 3, 15, 12, 0, 0), absl::UTCTimeZone());
}

class ProfileValidatorTest : public ::testing::Test {
 protected:
  // Validate normalises `profile` in place with `validator_` and returns the
  // violating fields in order.
  std::vector<std::string> Validate(Profile* profile) {
    violations_ = FieldViolations();
    validator_.Normalize("profile", profile, &violations_);
    return Fields();
  }

  std::vector<std::string> Fields() const {
    std::vector<std::string> fields;
    for (const auto& [field, description] : violations_.violations()) fields.push_back(field);
    return fields;
  }

  FakeClock clock_{TestNow()};
  ProfileValidator validator_{&clock_, ValidationOptions()};
  FieldViolations violations_;
};

// ValidProfile returns a profile that passes every rule.
Profile ValidProfile() {
  Profile profile;
  profile.set_given_name("Ola");
  profile.set_family_name("Nordmann");
  profile.set_display_name("Ola Nordmann");
  auto* email = profile.add_emails();
  email->set_address("ola@example.com");
  email->set_label(EMAIL_LABEL_HOME);
  email->set_primary(true);
  auto* phone = profile.add_phones();
  phone->set_number("+4741234567");
  phone->set_label(PHONE_LABEL_MOBILE);
  auto* address = profile.add_addresses();
  address->set_label(ADDRESS_LABEL_HOME);
  address->add_address_lines("Storgata 1");
  address->set_postal_code("0155");
  address->set_locality("Oslo");
  address->set_region_code("NO");
  profile.mutable_birth_date()->set_year(1990);
  profile.mutable_birth_date()->set_month(5);
  profile.mutable_birth_date()->set_day(17);
  profile.set_language_code("nb-NO");
  profile.set_region_code("NO");
  auto* external_id = profile.add_external_ids();
  external_id->set_system("billing");
  external_id->set_id("ACC-1042");
  profile.add_tags("vip");
  (*profile.mutable_attributes())["loyalty_tier"].set_string_value("gold");
  return profile;
}

// Verifies that a profile following every rule passes unchanged.
TEST_F(ProfileValidatorTest, AcceptsValidProfileUnchanged) {
  Profile profile = ValidProfile();
  EXPECT_THAT(Validate(&profile), IsEmpty());
  EXPECT_EQ(profile.SerializeAsString(), ValidProfile().SerializeAsString());
}

// Verifies every normalisation: trimming, email domain case, E.164, code case, duplicate tags.
TEST_F(ProfileValidatorTest, NormalizesFields) {
  Profile profile;
  profile.set_given_name("  Ola \t");
  profile.set_family_name("\xC2\xA0Nordmann\n");
  profile.add_emails()->set_address(" Ola.Nordmann@Example.COM ");
  profile.add_phones()->set_number("412 34 567");
  auto* address = profile.add_addresses();
  address->add_address_lines(" Storgata 1 ");
  address->set_locality(" Oslo");
  address->set_region_code("no");
  profile.set_language_code("nb-no");
  profile.set_region_code("se");
  for (const char* tag : {"vip", "newsletter-2026", "vip", "b2b", "newsletter-2026"}) {
    profile.add_tags(tag);
  }
  EXPECT_THAT(Validate(&profile), IsEmpty());
  EXPECT_EQ(profile.given_name(), "Ola");
  EXPECT_EQ(profile.family_name(), "Nordmann");
  EXPECT_EQ(profile.emails(0).address(), "Ola.Nordmann@example.com");
  EXPECT_EQ(profile.phones(0).number(), "+4741234567");
  EXPECT_EQ(profile.addresses(0).address_lines(0), "Storgata 1");
  EXPECT_EQ(profile.addresses(0).locality(), "Oslo");
  EXPECT_EQ(profile.addresses(0).region_code(), "NO");
  EXPECT_EQ(profile.language_code(), "nb-NO");
  EXPECT_EQ(profile.region_code(), "SE");
  EXPECT_THAT(profile.tags(), ElementsAre("vip", "newsletter-2026", "b2b"));
}

// Verifies that an empty profile is valid: every field is optional.
TEST_F(ProfileValidatorTest, AcceptsEmptyProfile) {
  Profile profile;
  EXPECT_THAT(Validate(&profile), IsEmpty());
}

// Verifies that names with control characters are rejected.
TEST_F(ProfileValidatorTest, RejectsControlCharactersInNames) {
  Profile profile;
  profile.set_given_name("Ola\nNordmann");
  profile.set_family_name(std::string("Nord\0mann", 9));
  profile.set_display_name("Ola\x7F");
  EXPECT_THAT(Validate(&profile),
              ElementsAre("profile.given_name", "profile.family_name", "profile.display_name"));
}

// Verifies that name length counts code points against max_name_length.
TEST_F(ProfileValidatorTest, LimitsNameLengthInCodePoints) {
  std::string at_limit;
  for (int i = 0; i < 200; ++i) at_limit += "ø";
  Profile profile;
  profile.set_given_name(at_limit);
  profile.set_family_name(at_limit + "x");
  profile.set_display_name(std::string(201, 'x'));
  EXPECT_THAT(Validate(&profile), ElementsAre("profile.family_name", "profile.display_name"));
}

// Verifies that invalid UTF-8 in a name is reported on that name.
TEST_F(ProfileValidatorTest, RejectsInvalidUtf8InNames) {
  Profile profile;
  profile.set_given_name(std::string("\xff\xfe"));
  profile.set_display_name(std::string("Ola \xC3"));
  EXPECT_THAT(Validate(&profile), ElementsAre("profile.given_name", "profile.display_name"));
  EXPECT_EQ(violations_.violations()[0].second, "must be valid UTF-8");
}

// Verifies that invalid UTF-8 in any string field is reported on that field.
TEST_F(ProfileValidatorTest, ReportsInvalidUtf8InEveryStringField) {
  const std::string bad = "\xff\xfe";
  Profile profile;
  profile.set_given_name(bad);
  profile.set_family_name(bad);
  profile.set_display_name(bad);
  profile.add_emails()->set_address(bad);
  profile.add_phones()->set_number(bad);
  auto* address = profile.add_addresses();
  address->add_address_lines(bad);
  address->set_postal_code(bad);
  address->set_locality(bad);
  address->set_region(bad);
  address->set_region_code(bad);
  profile.set_language_code(bad);
  profile.set_region_code(bad);
  auto* external_id = profile.add_external_ids();
  external_id->set_system(bad);
  external_id->set_id(bad);
  profile.add_tags(bad);
  (*profile.mutable_attributes())["note"].set_string_value(bad);
  EXPECT_THAT(Validate(&profile),
              ElementsAre("profile.given_name", "profile.family_name", "profile.display_name",
                          "profile.emails[0].address", "profile.phones[0].number",
                          "profile.addresses[0].address_lines[0]",
                          "profile.addresses[0].postal_code", "profile.addresses[0].locality",
                          "profile.addresses[0].region", "profile.addresses[0].region_code",
                          "profile.language_code", "profile.region_code",
                          "profile.external_ids[0].system", "profile.external_ids[0].id",
                          "profile.tags[0]", "profile.attributes[\"note\"].string_value"));
  for (const auto& [field, description] : violations_.violations()) {
    EXPECT_EQ(description, "must be valid UTF-8") << field;
  }
}

// Verifies the email rules: required, format, label, duplicates and a single primary.
TEST_F(ProfileValidatorTest, ValidatesEmails) {
  Profile profile;
  auto* first = profile.add_emails();
  first->set_address("Ola@Example.com");
  first->set_primary(true);
  profile.add_emails()->set_address("not-an-address");
  auto* duplicate = profile.add_emails();
  duplicate->set_address(" ola@EXAMPLE.COM");
  duplicate->set_primary(true);
  auto* bad_label = profile.add_emails();
  bad_label->set_address("kari@example.com");
  bad_label->set_label(static_cast<EmailLabel>(42));
  profile.add_emails()->set_label(EMAIL_LABEL_WORK);
  EXPECT_THAT(Validate(&profile),
              ElementsAre("profile.emails[1].address", "profile.emails[2].address",
                          "profile.emails[3].label", "profile.emails[4].address",
                          "profile.emails[2].primary"));
  EXPECT_EQ(violations_.violations()[1].second, "duplicates profile.emails[0].address");
  EXPECT_EQ(profile.emails(0).address(), "Ola@example.com");
}

// Verifies that more than max_emails emails is one violation on the list.
TEST_F(ProfileValidatorTest, LimitsEmailCount) {
  Profile profile;
  for (int i = 0; i < 11; ++i) profile.add_emails()->set_address("bad");
  EXPECT_THAT(Validate(&profile), ElementsAre("profile.emails"));
  Profile at_limit;
  for (int i = 0; i < 10; ++i) {
    at_limit.add_emails()->set_address("user" + std::to_string(i) + "@example.com");
  }
  EXPECT_THAT(Validate(&at_limit), IsEmpty());
}

// Verifies the phone rules: parseable, valid, duplicates after E.164, a single primary.
TEST_F(ProfileValidatorTest, ValidatesPhones) {
  Profile profile;
  auto* first = profile.add_phones();
  first->set_number("412 34 567");
  first->set_primary(true);
  profile.add_phones()->set_number("+47 412 34 567");
  profile.add_phones()->set_number("12");
  auto* second_primary = profile.add_phones();
  second_primary->set_number("+46 70 123 45 67");
  second_primary->set_primary(true);
  second_primary->set_label(static_cast<PhoneLabel>(9));
  profile.add_phones();
  EXPECT_THAT(
      Validate(&profile),
      ElementsAre("profile.phones[1].number", "profile.phones[2].number", "profile.phones[3].label",
                  "profile.phones[4].number", "profile.phones[3].primary"));
  EXPECT_EQ(profile.phones(0).number(), "+4741234567");
  EXPECT_EQ(profile.phones(3).number(), "+46701234567");
}

// Verifies that national numbers are read in options.default_phone_region.
TEST_F(ProfileValidatorTest, UsesDefaultPhoneRegion) {
  ValidationOptions options;
  options.default_phone_region = "SE";
  ProfileValidator swedish(&clock_, options);
  Profile profile;
  profile.add_phones()->set_number("070-123 45 67");
  swedish.Normalize("profile", &profile, &violations_);
  EXPECT_TRUE(violations_.empty());
  EXPECT_EQ(profile.phones(0).number(), "+46701234567");
}

// Verifies that more than max_phones phones is one violation on the list.
TEST_F(ProfileValidatorTest, LimitsPhoneCount) {
  Profile profile;
  for (int i = 0; i < 11; ++i) profile.add_phones()->set_number("+4741234567");
  EXPECT_THAT(Validate(&profile), ElementsAre("profile.phones"));
}

// Verifies the address rules: region code, lines, lengths, control characters, UTF-8.
TEST_F(ProfileValidatorTest, ValidatesAddresses) {
  Profile profile;
  profile.add_addresses()->set_locality("Oslo");  // no region_code
  auto* unknown = profile.add_addresses();
  unknown->set_region_code("XY");
  unknown->set_label(static_cast<AddressLabel>(7));
  auto* bad_strings = profile.add_addresses();
  bad_strings->set_region_code("no");
  bad_strings->add_address_lines("Storgata 1");
  bad_strings->add_address_lines(" ");
  bad_strings->add_address_lines(std::string(1025, 'x'));
  bad_strings->set_postal_code("01\t55");
  bad_strings->set_locality(std::string("\xff\xfe"));
  bad_strings->set_region(std::string(1024, 'r'));
  EXPECT_THAT(
      Validate(&profile),
      ElementsAre("profile.addresses[0].region_code", "profile.addresses[1].label",
                  "profile.addresses[1].region_code", "profile.addresses[2].address_lines[1]",
                  "profile.addresses[2].address_lines[2]", "profile.addresses[2].postal_code",
                  "profile.addresses[2].locality"));
  EXPECT_EQ(profile.addresses(2).region_code(), "NO");
}

// Verifies the limits on addresses and on lines per address.
TEST_F(ProfileValidatorTest, LimitsAddressAndLineCounts) {
  Profile profile;
  auto* address = profile.add_addresses();
  address->set_region_code("NO");
  for (int i = 0; i < 6; ++i) address->add_address_lines("line");
  EXPECT_THAT(Validate(&profile), ElementsAre("profile.addresses[0].address_lines"));
  Profile too_many;
  for (int i = 0; i < 11; ++i) too_many.add_addresses()->set_region_code("NO");
  EXPECT_THAT(Validate(&too_many), ElementsAre("profile.addresses"));
}

// Verifies that an all-zero birth date means none and is cleared.
TEST_F(ProfileValidatorTest, ClearsAllZeroBirthDate) {
  Profile profile;
  profile.mutable_birth_date();
  ASSERT_TRUE(profile.has_birth_date());
  EXPECT_THAT(Validate(&profile), IsEmpty());
  EXPECT_FALSE(profile.has_birth_date());
}

// Verifies that a birth date after today according to the injected clock is rejected.
TEST_F(ProfileValidatorTest, RejectsFutureBirthDateByClock) {
  Profile profile;
  profile.mutable_birth_date()->set_year(2026);
  profile.mutable_birth_date()->set_month(3);
  profile.mutable_birth_date()->set_day(16);
  EXPECT_THAT(Validate(&profile), ElementsAre("profile.birth_date"));
  EXPECT_EQ(violations_.violations()[0].second, "must not be in the future");
  clock_.Advance(absl::Hours(24));
  EXPECT_THAT(Validate(&profile), IsEmpty());
}

// Verifies that impossible birth dates are reported on the offending part.
TEST_F(ProfileValidatorTest, RejectsImpossibleBirthDates) {
  Profile profile;
  profile.mutable_birth_date()->set_year(2023);
  profile.mutable_birth_date()->set_month(2);
  profile.mutable_birth_date()->set_day(29);
  EXPECT_THAT(Validate(&profile), ElementsAre("profile.birth_date.day"));
  profile.mutable_birth_date()->set_year(0);
  EXPECT_THAT(Validate(&profile), IsEmpty());
  profile.mutable_birth_date()->set_year(1700);
  profile.mutable_birth_date()->set_month(13);
  EXPECT_THAT(Validate(&profile),
              ElementsAre("profile.birth_date.year", "profile.birth_date.month"));
}

// Verifies that unknown or malformed language and region codes are rejected.
TEST_F(ProfileValidatorTest, RejectsUnknownLanguageAndRegionCodes) {
  Profile profile;
  profile.set_language_code("xx-YY");
  profile.set_region_code("ZZ");
  EXPECT_THAT(Validate(&profile), ElementsAre("profile.language_code", "profile.region_code"));
  profile.set_language_code("en_US");
  profile.set_region_code("NOR");
  EXPECT_THAT(Validate(&profile), ElementsAre("profile.language_code", "profile.region_code"));
  profile.set_language_code(std::string("\xff\xfe"));
  profile.set_region_code(std::string("\xff\xfe"));
  EXPECT_THAT(Validate(&profile), ElementsAre("profile.language_code", "profile.region_code"));
  EXPECT_EQ(violations_.violations()[0].second, "must be valid UTF-8");
}

// Verifies the external id rules: system slug, id length and characters, no duplicate pair.
TEST_F(ProfileValidatorTest, ValidatesExternalIds) {
  Profile profile;
  auto add = [&profile](const std::string& system, const std::string& id) {
    auto* external_id = profile.add_external_ids();
    external_id->set_system(system);
    external_id->set_id(id);
  };
  add("billing", "ACC-1042");
  add("webshop", "ACC-1042");  // the same id in another system is fine
  add("Billing", "x");
  add("billing", std::string(129, 'a'));
  add("billing", "ACC 1042");
  add("", "");
  add("billing", "ACC-1042");
  add("crm", std::string(128, 'a'));
  add("crm", "kunde-ø");
  add("crm", std::string("\xff\xfe"));
  EXPECT_THAT(Validate(&profile),
              ElementsAre("profile.external_ids[2].system", "profile.external_ids[3].id",
                          "profile.external_ids[4].id", "profile.external_ids[5].system",
                          "profile.external_ids[5].id", "profile.external_ids[6]",
                          "profile.external_ids[9].id"));
  EXPECT_EQ(violations_.violations()[5].second, "duplicates profile.external_ids[0]");
}

// Verifies that more than max_external_ids external ids is one violation on the list.
TEST_F(ProfileValidatorTest, LimitsExternalIdCount) {
  Profile profile;
  for (int i = 0; i < 21; ++i) {
    auto* external_id = profile.add_external_ids();
    external_id->set_system("billing");
    external_id->set_id("ACC-" + std::to_string(i));
  }
  EXPECT_THAT(Validate(&profile), ElementsAre("profile.external_ids"));
}

// Verifies that bad tags are reported by their original index.
TEST_F(ProfileValidatorTest, ValidatesTags) {
  Profile profile;
  const std::vector<std::string> tags = {
      "vip", "VIP", "a--b", "vip", std::string(65, 'a'), "\xff\xfe", std::string(64, 'a')};
  for (const std::string& tag : tags) profile.add_tags(tag);
  EXPECT_THAT(Validate(&profile), ElementsAre("profile.tags[1]", "profile.tags[2]",
                                              "profile.tags[4]", "profile.tags[5]"));
  EXPECT_EQ(violations_.violations()[3].second, "must be valid UTF-8");
}

// Verifies that max_tags counts distinct tags, since duplicates are dropped.
TEST_F(ProfileValidatorTest, LimitsDistinctTagCount) {
  Profile profile;
  for (int i = 0; i < 50; ++i) profile.add_tags("tag-" + std::to_string(i));
  profile.add_tags("tag-0");
  EXPECT_THAT(Validate(&profile), IsEmpty());
  EXPECT_EQ(profile.tags_size(), 50);
  profile.add_tags("tag-50");
  EXPECT_THAT(Validate(&profile), ElementsAre("profile.tags"));
}

// Verifies the attribute rules: key form, a set value, finite doubles, string and time ranges.
TEST_F(ProfileValidatorTest, ValidatesAttributes) {
  Profile profile;
  auto& attributes = *profile.mutable_attributes();
  attributes["loyalty_tier"].set_string_value("gold");
  attributes["visits"].set_int64_value(-3);
  attributes["opted_in"].set_bool_value(false);
  attributes["score"].set_double_value(0.5);
  attributes["first_seen"].mutable_timestamp_value()->set_seconds(1700000000);
  attributes["Bad Key"].set_bool_value(true);
  attributes["empty"];
  attributes["nan"].set_double_value(std::nan(""));
  attributes["inf"].set_double_value(std::numeric_limits<double>::infinity());
  attributes["long_text"].set_string_value(std::string(1025, 'x'));
  attributes["bad_text"].set_string_value(std::string("\xff\xfe"));
  attributes["too_late"].mutable_timestamp_value()->set_seconds(253402300800);
  attributes["bad_nanos"].mutable_timestamp_value()->set_nanos(1000000000);
  EXPECT_THAT(
      Validate(&profile),
      ElementsAre("profile.attributes[\"Bad Key\"]",
                  "profile.attributes[\"bad_nanos\"].timestamp_value.nanos",
                  "profile.attributes[\"bad_text\"].string_value", "profile.attributes[\"empty\"]",
                  "profile.attributes[\"inf\"].double_value",
                  "profile.attributes[\"long_text\"].string_value",
                  "profile.attributes[\"nan\"].double_value",
                  "profile.attributes[\"too_late\"].timestamp_value.seconds"));
}

// Verifies that timestamps at both ends of the allowed range are accepted.
TEST_F(ProfileValidatorTest, AcceptsTimestampRangeBounds) {
  Profile profile;
  auto& attributes = *profile.mutable_attributes();
  attributes["earliest"].mutable_timestamp_value()->set_seconds(-62135596800);
  auto* latest = attributes["latest"].mutable_timestamp_value();
  latest->set_seconds(253402300799);
  latest->set_nanos(999999999);
  EXPECT_THAT(Validate(&profile), IsEmpty());
  attributes["earliest"].mutable_timestamp_value()->set_seconds(-62135596801);
  EXPECT_THAT(Validate(&profile),
              ElementsAre("profile.attributes[\"earliest\"].timestamp_value.seconds"));
}

// Verifies that invalid attribute keys appear escaped and shortened in the path.
TEST_F(ProfileValidatorTest, EscapesBadAttributeKeysInPaths) {
  Profile profile;
  (*profile.mutable_attributes())[std::string("\xff\"")].set_bool_value(true);
  (*profile.mutable_attributes())[std::string(100, 'k')].set_bool_value(true);
  EXPECT_THAT(Validate(&profile),
              ElementsAre("profile.attributes[\"" + std::string(64, 'k') + "...\"]",
                          "profile.attributes[\"\\xff\\\"\"]"));
}

// Verifies that more than max_attributes attributes is one violation on the map.
TEST_F(ProfileValidatorTest, LimitsAttributeCount) {
  Profile profile;
  for (int i = 0; i < 101; ++i) {
    (*profile.mutable_attributes())["key_" + std::to_string(i)].set_bool_value(true);
  }
  EXPECT_THAT(Validate(&profile), ElementsAre("profile.attributes"));
}

// Verifies that smaller configured limits are honoured.
TEST_F(ProfileValidatorTest, HonoursConfiguredLimits) {
  ValidationOptions options;
  options.limits.max_emails = 1;
  options.limits.max_tags = 1;
  options.limits.max_name_length = 3;
  options.limits.max_string_length = 4;
  ProfileValidator strict(&clock_, options);
  Profile profile;
  profile.set_given_name("Olav");
  profile.add_emails()->set_address("a@example.com");
  profile.add_emails()->set_address("b@example.com");
  profile.add_tags("a");
  profile.add_tags("b");
  (*profile.mutable_attributes())["note"].set_string_value("12345");
  strict.Normalize("profile", &profile, &violations_);
  EXPECT_THAT(Fields(), ElementsAre("profile.given_name", "profile.emails", "profile.tags",
                                    "profile.attributes[\"note\"].string_value"));
}

// Verifies that all violations across fields are collected and become one BadRequest.
TEST_F(ProfileValidatorTest, CollectsEveryViolation) {
  Profile profile = ValidProfile();
  profile.set_given_name(std::string("\xff\xfe"));
  profile.mutable_emails(0)->set_address("ola@@example.com");
  profile.mutable_phones(0)->set_number("12");
  profile.mutable_addresses(0)->set_region_code("QQ");
  profile.mutable_birth_date()->set_year(2030);
  profile.set_language_code("zz");
  profile.mutable_external_ids(0)->set_system("Billing");
  profile.add_tags("Bad Tag");
  (*profile.mutable_attributes())["Bad"].set_bool_value(true);
  std::vector<std::string> fields = Validate(&profile);
  EXPECT_THAT(fields,
              UnorderedElementsAre("profile.given_name", "profile.emails[0].address",
                                   "profile.phones[0].number", "profile.addresses[0].region_code",
                                   "profile.birth_date", "profile.language_code",
                                   "profile.external_ids[0].system", "profile.tags[1]",
                                   "profile.attributes[\"Bad\"]"));
  absl::Status status = violations_.ToStatus();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  std::optional<google::rpc::BadRequest> bad_request = GetBadRequest(status);
  ASSERT_TRUE(bad_request.has_value());
  EXPECT_EQ(bad_request->field_violations_size(), static_cast<int>(fields.size()));
}

// Verifies that no description repeats a submitted value.
TEST_F(ProfileValidatorTest, DescriptionsNeverEchoValues) {
  const std::string secret = "Zyxwv";
  Profile profile;
  profile.set_given_name(secret + "\n" + secret);
  profile.set_display_name(secret + std::string(300, 'q'));
  profile.add_emails()->set_address(secret + "@@example.com");
  profile.add_phones()->set_number(secret);
  auto* address = profile.add_addresses();
  address->set_region_code(secret);
  address->add_address_lines(secret + "\x01");
  profile.set_language_code(secret);
  profile.set_region_code(secret);
  auto* external_id = profile.add_external_ids();
  external_id->set_system(secret);
  external_id->set_id(secret + " 1");
  profile.add_tags(secret);
  (*profile.mutable_attributes())["note"].set_string_value(secret + std::string(1100, 'q'));
  Validate(&profile);
  ASSERT_GE(violations_.violations().size(), 12u);
  for (const auto& [field, description] : violations_.violations()) {
    EXPECT_EQ(description.find(secret), std::string::npos) << field << ": " << description;
    EXPECT_EQ(field.find(secret), std::string::npos) << field;
  }
}

// Verifies that output-only fields are neither checked nor changed.
TEST_F(ProfileValidatorTest, IgnoresOutputOnlyFields) {
  Profile profile;
  profile.set_name(std::string("\xff\xfe"));
  profile.set_etag(" etag ");
  profile.mutable_create_time()->set_nanos(-5);
  EXPECT_THAT(Validate(&profile), IsEmpty());
  EXPECT_EQ(profile.etag(), " etag ");
  EXPECT_EQ(profile.name(), "\xff\xfe");
}

// Verifies that paths are built under the given prefix, or bare with none.
TEST_F(ProfileValidatorTest, UsesPrefixForPaths) {
  Profile profile;
  profile.set_region_code("ZZ");
  profile.add_tags("BAD");
  validator_.Normalize("", &profile, &violations_);
  EXPECT_THAT(Fields(), ElementsAre("region_code", "tags[0]"));
  violations_ = FieldViolations();
  validator_.Normalize("requests[2].profile", &profile, &violations_);
  EXPECT_THAT(Fields(),
              ElementsAre("requests[2].profile.region_code", "requests[2].profile.tags[0]"));
}

// MaskFields returns the violating fields of ValidateUpdateMask on `paths`.
std::vector<std::string> MaskFields(const ProfileValidator& validator,
                                    const std::vector<std::string>& paths) {
  google::protobuf::FieldMask mask;
  for (const std::string& path : paths) mask.add_paths(path);
  FieldViolations violations;
  validator.ValidateUpdateMask(mask, &violations);
  std::vector<std::string> fields;
  for (const auto& [field, description] : violations.violations()) fields.push_back(field);
  return fields;
}

// Verifies that every writable and output-only path, and attributes.<key>, is accepted.
TEST_F(ProfileValidatorTest, UpdateMaskAcceptsKnownPaths) {
  EXPECT_THAT(
      MaskFields(validator_, {"given_name", "family_name", "display_name", "emails", "phones",
                              "addresses", "birth_date", "language_code", "region_code",
                              "external_ids", "tags", "attributes", "attributes.loyalty_tier"}),
      IsEmpty());
  EXPECT_THAT(MaskFields(validator_, {"name", "etag", "create_time", "update_time", "delete_time"}),
              IsEmpty());
  EXPECT_THAT(MaskFields(validator_, {"*"}), IsEmpty());
  EXPECT_THAT(MaskFields(validator_, {}), IsEmpty());
}

// Verifies that unknown paths, sub-paths, bad attribute keys and a non-lone "*" are rejected.
TEST_F(ProfileValidatorTest, UpdateMaskRejectsUnknownPaths) {
  EXPECT_THAT(MaskFields(validator_,
                         {"given_name", "nickname", "emails.address", "", "attributes.Bad Key",
                          "attributes.", "birth_date.year", "Given_Name", "profile.given_name"}),
              ElementsAre("update_mask.paths[1]", "update_mask.paths[2]", "update_mask.paths[3]",
                          "update_mask.paths[4]", "update_mask.paths[5]", "update_mask.paths[6]",
                          "update_mask.paths[7]", "update_mask.paths[8]"));
  EXPECT_THAT(MaskFields(validator_, {"given_name", "*"}), ElementsAre("update_mask.paths[1]"));
}

// Verifies that CheckRequestSize allows the limit and rejects one byte more.
TEST_F(ProfileValidatorTest, ChecksRequestSize) {
  FieldViolations violations;
  validator_.CheckRequestSize("profile", 256 * 1024, &violations);
  EXPECT_TRUE(violations.empty());
  validator_.CheckRequestSize("profile", 256 * 1024 + 1, &violations);
  ASSERT_EQ(violations.violations().size(), 1u);
  EXPECT_EQ(violations.violations()[0].first, "profile");
}

// Verifies the static email and phone normalisers.
TEST(ProfileValidatorStaticTest, NormalizesEmailAndPhone) {
  std::string email = " Ola.Nordmann@Example.COM ";
  EXPECT_TRUE(ProfileValidator::NormalizeEmail(&email));
  EXPECT_EQ(email, "Ola.Nordmann@example.com");
  std::string bad_email = "ola@localhost";
  EXPECT_FALSE(ProfileValidator::NormalizeEmail(&bad_email));
  std::string phone = "412 34 567";
  EXPECT_TRUE(ProfileValidator::NormalizePhone("NO", &phone));
  EXPECT_EQ(phone, "+4741234567");
  std::string bad_phone = "12";
  EXPECT_FALSE(ProfileValidator::NormalizePhone("NO", &bad_phone));
}

}  // namespace
}  // namespace cp::domain

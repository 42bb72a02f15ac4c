#include "bench/profile_factory.h"

#include <array>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace cp::bench {
namespace {

using customerprofile::v1::Profile;

// A name as shown and as written in an email address.
struct Name {
  const char* text;
  const char* slug;
};

// A country the bench customers live in, with what depends on it.
struct Country {
  const char* region_code;
  const char* language_code;
  // printf pattern of an E.164 mobile number taking one integer.
  const char* phone_format;
  int64_t phone_range;
  const char* locality;
  const char* postal_code;
  const char* street;
};

constexpr std::array<Name, 16> kGivenNames = {{{"Ingrid", "ingrid"},
                                               {"Lars", "lars"},
                                               {"Åse", "ase"},
                                               {"Erik", "erik"},
                                               {"Sofia", "sofia"},
                                               {"Mikkel", "mikkel"},
                                               {"Freja", "freja"},
                                               {"Jonas", "jonas"},
                                               {"Anna", "anna"},
                                               {"Lukas", "lukas"},
                                               {"Emily", "emily"},
                                               {"Oliver", "oliver"},
                                               {"Aino", "aino"},
                                               {"Mats", "mats"},
                                               {"Sigrid", "sigrid"},
                                               {"Jörg", "joerg"}}};

constexpr std::array<Name, 16> kFamilyNames = {{{"Hansen", "hansen"},
                                                {"Johansson", "johansson"},
                                                {"Nielsen", "nielsen"},
                                                {"Müller", "mueller"},
                                                {"Smith", "smith"},
                                                {"Virtanen", "virtanen"},
                                                {"Berg", "berg"},
                                                {"Løvås", "lovas"},
                                                {"Andersen", "andersen"},
                                                {"Schmidt", "schmidt"},
                                                {"Taylor", "taylor"},
                                                {"Korhonen", "korhonen"},
                                                {"Lindqvist", "lindqvist"},
                                                {"Dahl", "dahl"},
                                                {"Jensen", "jensen"},
                                                {"Weber", "weber"}}};

constexpr std::array<Country, 6> kCountries = {{
    {"NO", "nb", "+479%07d", 10000000, "Oslo", "0150", "Karl Johans gate"},
    {"SE", "sv", "+4670%07d", 10000000, "Stockholm", "111 22", "Drottninggatan"},
    {"DK", "da", "+452%07d", 10000000, "Aarhus", "8000", "Søndergade"},
    {"DE", "de", "+49151%08d", 100000000, "Berlin", "10115", "Invalidenstraße"},
    {"GB", "en-GB", "+447400%06d", 1000000, "Manchester", "M1 1AE", "Market Street"},
    {"FI", "fi", "+35840%07d", 10000000, "Helsinki", "00100", "Mannerheimintie"},
}};

constexpr std::array<const char*, 4> kEmailDomains = {"example.com", "example.org", "example.net",
                                                      "mail.example"};

constexpr std::array<const char*, 9> kTags = {
    "newsletter", "vip",      "b2b",      "loyalty-gold", "loyalty-silver",
    "churn-risk", "app-user", "in-store", "gdpr-reviewed"};

constexpr std::array<const char*, 4> kSegments = {"consumer", "family", "student", "business"};

// Mix is SplitMix64: a cheap, well-spread hash that makes the profile of an
// index reproducible.
uint64_t Mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// Picker draws a reproducible sequence of numbers for one index.
class Picker {
 public:
  explicit Picker(int64_t index) : state_(Mix(static_cast<uint64_t>(index))) {}
  uint64_t Below(uint64_t n) {
    state_ = Mix(state_);
    return state_ % n;
  }

 private:
  uint64_t state_;
};

}  // namespace

std::string BenchCrmId(int64_t index) { return absl::StrFormat("CRM-%07d", index); }

Profile MakeBenchProfile(int64_t index) {
  Picker pick(index);
  const Name& given = kGivenNames[pick.Below(kGivenNames.size())];
  const Name& family = kFamilyNames[pick.Below(kFamilyNames.size())];
  const Country& country = kCountries[pick.Below(kCountries.size())];

  Profile profile;
  profile.set_given_name(given.text);
  profile.set_family_name(family.text);
  profile.set_display_name(absl::StrCat(given.text, " ", family.text));
  profile.set_language_code(country.language_code);
  profile.set_region_code(country.region_code);

  auto* email = profile.add_emails();
  email->set_address(absl::StrCat(given.slug, ".", family.slug, ".", index, "@",
                                  kEmailDomains[pick.Below(kEmailDomains.size())]));
  email->set_label(customerprofile::v1::EMAIL_LABEL_HOME);
  email->set_verified(pick.Below(4) != 0);
  email->set_primary(true);

  auto* phone = profile.add_phones();
  phone->set_number(
      absl::StrFormat(country.phone_format, static_cast<int64_t>(pick.Below(country.phone_range))));
  phone->set_label(customerprofile::v1::PHONE_LABEL_MOBILE);
  phone->set_primary(true);

  auto* address = profile.add_addresses();
  address->set_label(customerprofile::v1::ADDRESS_LABEL_HOME);
  address->add_address_lines(absl::StrCat(country.street, " ", 1 + pick.Below(120)));
  address->set_postal_code(country.postal_code);
  address->set_locality(country.locality);
  address->set_region_code(country.region_code);

  auto* birth_date = profile.mutable_birth_date();
  birth_date->set_year(1940 + static_cast<int>(pick.Below(66)));
  birth_date->set_month(1 + static_cast<int>(pick.Below(12)));
  birth_date->set_day(1 + static_cast<int>(pick.Below(28)));

  auto* crm = profile.add_external_ids();
  crm->set_system("crm");
  crm->set_id(BenchCrmId(index));
  if (index % 2 == 0) {
    auto* webshop = profile.add_external_ids();
    webshop->set_system("webshop");
    webshop->set_id(absl::StrCat("u_", index));
  }

  size_t first_tag = pick.Below(kTags.size());
  size_t tag_count = 1 + pick.Below(3);
  for (size_t i = 0; i < tag_count; ++i) {
    profile.add_tags(kTags[(first_tag + i * 4) % kTags.size()]);
  }

  auto& attributes = *profile.mutable_attributes();
  attributes["loyalty_points"].set_int64_value(static_cast<int64_t>(pick.Below(50000)));
  attributes["segment"].set_string_value(kSegments[pick.Below(kSegments.size())]);
  attributes["marketing_opt_in"].set_bool_value(pick.Below(2) == 0);
  return profile;
}

}  // namespace cp::bench

#include "domain/identity/phone_number.h"

#include "domain/common/utf8.h"
#include "phonenumbers/phonenumber.pb.h"
#include "phonenumbers/phonenumberutil.h"

namespace cp::domain {

bool NormalizePhoneNumber(absl::string_view field, absl::string_view default_region,
                          std::string* number, FieldViolations* violations) {
  using i18n::phonenumbers::PhoneNumber;
  using i18n::phonenumbers::PhoneNumberUtil;
  if (!IsValidUtf8(*number)) {
    violations->Add(std::string(field), "must be valid UTF-8");
    return false;
  }
  std::string trimmed(TrimWhitespace(*number));
  if (trimmed.empty()) {
    violations->Add(std::string(field), "is required");
    return false;
  }
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  PhoneNumber parsed;
  if (util.Parse(trimmed, std::string(default_region), &parsed) !=
      PhoneNumberUtil::NO_PARSING_ERROR) {
    violations->Add(std::string(field),
                    "must be a phone number in international form or in the national form of "
                    "the default region");
    return false;
  }
  if (parsed.has_extension()) {
    violations->Add(std::string(field), "must not have an extension");
    return false;
  }
  if (!util.IsValidNumber(parsed)) {
    violations->Add(std::string(field), "is not a valid phone number");
    return false;
  }
  util.Format(parsed, PhoneNumberUtil::E164, number);
  return true;
}

}  // namespace cp::domain

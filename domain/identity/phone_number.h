#pragma once

#include <string>

#include "absl/strings/string_view.h"
#include "domain/common/errors.h"

namespace cp::domain {

// NormalizePhoneNumber rewrites `*number`, given in international form or in
// the national form of `default_region` (ISO 3166-1 alpha-2), in E.164 such
// as "+4741234567". The number must be one libphonenumber parses and
// considers valid, without an extension (E.164 cannot hold one). Every
// problem is added to `violations` on `field` without echoing the number;
// returns whether there was none.
bool NormalizePhoneNumber(absl::string_view field, absl::string_view default_region,
                          std::string* number, FieldViolations* violations);

}  // namespace cp::domain

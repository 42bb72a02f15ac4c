#pragma once

#include <string>

#include "absl/strings/string_view.h"
#include "domain/common/errors.h"

namespace cp::domain {

// kMaxEmailLocalPartOctets and kMaxEmailAddressOctets are the RFC 5321
// limits on an email address.
inline constexpr size_t kMaxEmailLocalPartOctets = 64;
inline constexpr size_t kMaxEmailAddressOctets = 254;

// NormalizeEmailAddress trims surrounding white space from `*address` and
// lowercases its domain; the local part keeps its case. The result must be
// "local@domain": a dot-atom local part (ASCII letters, digits and
// !#$%&'*+/=?^_`{|}~- or printable non-ASCII characters, dots only between
// them) of at most 64 octets, and a domain of dot-separated labels of ASCII
// letters, digits and inner hyphens with a top-level label that is not all
// digits; at most 254 octets in all. Every problem is added to `violations`
// on `field` without echoing the address; returns whether there was none.
bool NormalizeEmailAddress(absl::string_view field, std::string* address,
                           FieldViolations* violations);

// NormalizeEmailDomain trims `*domain` and lowercases it; it must be a
// domain as NormalizeEmailAddress accepts after the '@'. Problems are added
// to `violations` on `field`; returns whether there was none.
bool NormalizeEmailDomain(absl::string_view field, std::string* domain,
                          FieldViolations* violations);

// EmailAddressKey returns the form of a normalised address under which two
// addresses count as duplicates (ASCII case-insensitive).
std::string EmailAddressKey(absl::string_view normalized_address);

}  // namespace cp::domain

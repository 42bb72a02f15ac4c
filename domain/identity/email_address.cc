#include "domain/identity/email_address.h"

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "domain/common/utf8.h"

namespace cp::domain {
namespace {

constexpr size_t kMaxDomainLabelOctets = 63;

// IsAtomText returns whether the ASCII `c` may appear in a dot-atom (RFC 5322
// atext).
bool IsAtomText(char c) {
  return absl::ascii_isalnum(c) || absl::StrContains("!#$%&'*+/=?^_`{|}~-", c);
}

// IsDotAtom returns whether `local` is a non-empty dot-atom whose characters
// are atext or printable non-ASCII (RFC 6531).
bool IsDotAtom(absl::string_view local) {
  if (local.empty() || local.front() == '.' || local.back() == '.') return false;
  if (absl::StrContains(local, "..")) return false;
  for (size_t i = 0; i < local.size();) {
    unsigned char byte = static_cast<unsigned char>(local[i]);
    if (byte < 0x80) {
      if (local[i] != '.' && !IsAtomText(local[i])) return false;
      ++i;
      continue;
    }
    size_t end = i + 1;
    while (end < local.size() && (static_cast<unsigned char>(local[end]) & 0xC0) == 0x80) ++end;
    if (!IsGraphic(local.substr(i, end - i))) return false;
    i = end;
  }
  return true;
}

// IsDomainLabel returns whether `label` is 1..63 ASCII letters, digits and
// hyphens that neither start nor end with a hyphen.
bool IsDomainLabel(absl::string_view label) {
  if (label.empty() || label.size() > kMaxDomainLabelOctets) return false;
  if (label.front() == '-' || label.back() == '-') return false;
  for (char c : label) {
    if (!absl::ascii_isalnum(c) && c != '-') return false;
  }
  return true;
}

// IsAllDigits returns whether `text` consists of ASCII digits only.
bool IsAllDigits(absl::string_view text) {
  for (char c : text) {
    if (!absl::ascii_isdigit(c)) return false;
  }
  return true;
}

}  // namespace

bool NormalizeEmailAddress(absl::string_view field, std::string* address,
                           FieldViolations* violations) {
  if (!IsValidUtf8(*address)) {
    violations->Add(std::string(field), "must be valid UTF-8");
    return false;
  }
  *address = std::string(TrimWhitespace(*address));
  if (address->empty()) {
    violations->Add(std::string(field), "is required");
    return false;
  }
  size_t at = address->find('@');
  if (at == std::string::npos || address->find('@', at + 1) != std::string::npos) {
    violations->Add(std::string(field), "must have the form local@domain");
    return false;
  }
  absl::string_view local = absl::string_view(*address).substr(0, at);
  std::string domain = absl::AsciiStrToLower(absl::string_view(*address).substr(at + 1));
  bool ok = true;
  if (!IsDotAtom(local)) {
    violations->Add(std::string(field),
                    "local part must be dot-separated letters, digits or !#$%&'*+/=?^_`{|}~-");
    ok = false;
  } else if (local.size() > kMaxEmailLocalPartOctets) {
    violations->Add(std::string(field), "local part must be at most 64 octets");
    ok = false;
  }
  std::vector<absl::string_view> labels = absl::StrSplit(domain, '.');
  bool labels_ok = labels.size() >= 2;
  for (absl::string_view label : labels) labels_ok = labels_ok && IsDomainLabel(label);
  if (!labels_ok) {
    violations->Add(std::string(field),
                    "domain must be at least two dot-separated labels of letters, digits and "
                    "inner hyphens");
    ok = false;
  } else if (IsAllDigits(labels.back())) {
    violations->Add(std::string(field), "top-level domain must not be all digits");
    ok = false;
  }
  if (address->size() > kMaxEmailAddressOctets) {
    violations->Add(std::string(field), "must be at most 254 octets");
    ok = false;
  }
  if (ok) address->replace(at + 1, std::string::npos, domain);
  return ok;
}

bool NormalizeEmailDomain(absl::string_view field, std::string* domain,
                          FieldViolations* violations) {
  if (!IsValidUtf8(*domain)) {
    violations->Add(std::string(field), "must be valid UTF-8");
    return false;
  }
  *domain = absl::AsciiStrToLower(TrimWhitespace(*domain));
  if (domain->empty()) {
    violations->Add(std::string(field), "is required");
    return false;
  }
  std::vector<absl::string_view> labels = absl::StrSplit(*domain, '.');
  bool labels_ok = labels.size() >= 2 && domain->size() <= kMaxEmailAddressOctets;
  for (absl::string_view label : labels) labels_ok = labels_ok && IsDomainLabel(label);
  if (!labels_ok) {
    violations->Add(std::string(field),
                    "must be at least two dot-separated labels of letters, digits and inner "
                    "hyphens");
    return false;
  }
  if (IsAllDigits(labels.back())) {
    violations->Add(std::string(field), "top-level domain must not be all digits");
    return false;
  }
  return true;
}

std::string EmailAddressKey(absl::string_view normalized_address) {
  return absl::AsciiStrToLower(normalized_address);
}

}  // namespace cp::domain

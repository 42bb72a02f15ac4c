#pragma once

#include <cstdint>
#include <string>

#include "customerprofile/v1/profile.pb.h"

namespace cp::bench {

// MakeBenchProfile returns a realistic profile for the index-th bench
// customer: given, family and display names, a primary email, an E.164
// mobile number, a postal address, a birth date, language and region codes,
// one to three tags, a few attributes and the external ids
// ("crm", BenchCrmId(index)) and, for every other customer, ("webshop",
// "u_<index>"), so external ids are unique per index. The same index always
// gives the same profile. Output-only fields are left empty.
customerprofile::v1::Profile MakeBenchProfile(int64_t index);

// BenchCrmId returns the "crm" external id of the index-th bench profile,
// e.g. "CRM-0000042".
std::string BenchCrmId(int64_t index);

}  // namespace cp::bench

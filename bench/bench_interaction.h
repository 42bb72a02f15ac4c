#pragma once

#include <cstdint>
#include <string>

#include "customerprofile/v1/interaction.pb.h"

namespace cp::bench {

// kBenchSourceSystem records the interactions the benchmark makes.
inline constexpr char kBenchSourceSystem[] = "bench";

// MakeBenchInteraction returns the k-th (from 0) interaction of a bench
// profile, deterministic in (profile index, k): a mix of web orders in NOK
// with their payments, calls with a CSAT answer, visits, e-mails and the
// odd refund and complaint, spread over the two years before 2026-12-01.
// It carries external_ref `tag`-`profile_index`-`k`, so loading again is a
// replay.
customerprofile::v1::Interaction MakeBenchInteraction(int64_t profile_index, int64_t k,
                                                      const std::string& tag);

}  // namespace cp::bench

#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "customerprofile/v1/consent.pb.h"
#include "domain/consent/consent_evaluator.h"
#include "storage/transaction.h"

namespace cp::domain {

// DoNotContactRegisters tells whether do-not-contact registers block contacts.
// The consent checker asks it once per check or batch; implementations
// must be thread-safe.
class DoNotContactRegisters {
 public:
  virtual ~DoNotContactRegisters() = default;

  // FindSuppressions returns, for each entry of `identifiers` (the
  // normalised contact points of one subject: E.164 phones, lowercased
  // emails), the first list entry blocking `channel` that matches one of
  // them, or nullopt. The result has one element per subject, in order.
  // Reads through `tx`, the checker's own transaction, so that one check
  // sees the consents and the lists at one moment.
  virtual absl::StatusOr<std::vector<std::optional<SuppressionHit>>> FindSuppressions(
      storage::Transaction& tx, customerprofile::v1::Channel channel,
      absl::Span<const std::vector<std::string>> identifiers) = 0;
};

}  // namespace cp::domain

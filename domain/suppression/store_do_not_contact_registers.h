#pragma once

#include <optional>
#include <string>
#include <vector>

#include "domain/consent/do_not_contact_registers.h"

namespace cp::domain {

// StoreDoNotContactRegisters answers the consent checker from the suppression
// lists in the store: a contact point is blocked on a channel when it (for
// an email address also its domain) is in the current entries of a list
// blocking that channel. All of one call's lookups run in the caller's
// transaction, so a list replaced meanwhile is seen whole, old or new.
// Stateless; thread-safe.
class StoreDoNotContactRegisters final : public DoNotContactRegisters {
 public:
  absl::StatusOr<std::vector<std::optional<SuppressionHit>>> FindSuppressions(
      storage::Transaction& tx, customerprofile::v1::Channel channel,
      absl::Span<const std::vector<std::string>> identifiers) override;
};

}  // namespace cp::domain

#pragma once

#include <optional>
#include <string>
#include <vector>

#include "domain/suppression_source.h"
#include "storage/store.h"

namespace cp::domain {

// StoreSuppressionSource answers the consent checker from the suppression
// lists in the store: a contact point is blocked on a channel when it (for
// an email address also its domain) is in the current entries of a list
// blocking that channel. All of one call's lookups run in one read-only
// transaction, so a list replaced meanwhile is seen whole, old or new.
// Thread-safe.
class StoreSuppressionSource final : public SuppressionSource {
 public:
  explicit StoreSuppressionSource(storage::Store* store);

  absl::StatusOr<std::vector<std::optional<SuppressionHit>>> FindSuppressions(
      customerprofile::v1::Channel channel, absl::Span<const std::vector<std::string>> identifiers,
      absl::Time deadline) override;

 private:
  storage::Store* store_;
};

}  // namespace cp::domain

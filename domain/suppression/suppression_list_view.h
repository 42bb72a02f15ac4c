#pragma once

#include "customerprofile/v1/suppression.pb.h"
#include "storage/suppression_repository.h"

namespace cp::domain {

// ToSuppressionList is the API view of a stored list: its name, etag
// (changing with every change of the list or its entries) and fields.
customerprofile::v1::SuppressionList ToSuppressionList(
    const storage::SuppressionListRecord& record);

}  // namespace cp::domain

#pragma once

#include "storage/sql/row.h"
#include "storage/suppression_repository.h"

// How do-not-contact lists are stored in rows, the same for every dialect:
// each decoder reads a row of the statement named
// (suppression_statements.h and the dialects' lookups).
namespace cp::storage::sql {

// DecodeSuppressionList reads a row of kSelectList / kListLists (or the
// same columns locked).
SuppressionListRecord DecodeSuppressionList(const SqlRow& row);

// DecodeGeneration reads a row of kListGenerations.
GenerationRecord DecodeGeneration(const SqlRow& row);

// DecodeMatch reads a row of a lookup: (list id, identifier, channel_mask).
SuppressionMatch DecodeMatch(const SqlRow& row);

}  // namespace cp::storage::sql

#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "storage/profile_query.h"

namespace cp::storage::sql {

// SqlParam is a value bound to one '?' placeholder.
using SqlParam = std::variant<std::string, int64_t>;

// SqlFragment is SQL text with '?' placeholders and their values in order.
struct SqlFragment {
  std::string sql;
  std::vector<SqlParam> params;
};

// RenderProfileListQuery renders the WHERE conditions, ORDER BY and LIMIT of
// `query` for a SELECT over `profiles p` (columns id, revision, create_time,
// update_time, delete_time, display_name, region_code, data) with side
// tables profile_tags(profile_id, tag) and profile_external_ids(profile_id,
// system, external_id). The result is "WHERE ... ORDER BY ... LIMIT ?";
// the SQL is the same for SQLite and MySQL (LIKE with ESCAPE '!', binary
// string comparison). User values only ever appear as parameters.
SqlFragment RenderProfileListQuery(const ProfileListQuery& query);

// RenderFilter appends `filter` as a parenthesised SQL condition (and its
// parameters) to `out`: over `profiles p` for the profile fields, over the
// unqualified columns of `interactions` for the interaction fields.
void RenderFilter(const FilterNode& filter, SqlFragment* out);

}  // namespace cp::storage::sql

#include "storage/sql/filter_sql.h"

#include <sqlite3.h>

#include <algorithm>
#include <memory>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "domain/profile/profile_filter.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/migration.h"

namespace cp::storage::sql {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr absl::string_view kLive =
    "WHERE COALESCE(p.merged_into, '') = '' AND p.delete_time IS NULL";
constexpr absl::string_view kTail = "ORDER BY p.create_time, p.id LIMIT ?";

FilterNode Compare(FilterField field, FilterOp op, FilterValue value, bool prefix = false) {
  FilterNode node;
  node.field = field;
  node.op = op;
  node.value = std::move(value);
  node.prefix = prefix;
  return node;
}

FilterNode Junction(FilterNode::Kind kind, std::vector<FilterNode> children) {
  FilterNode node;
  node.kind = kind;
  node.children = std::move(children);
  return node;
}

ProfileListQuery WithFilter(FilterNode filter) {
  ProfileListQuery query;
  query.filter = std::move(filter);
  return query;
}

// RenderFilter renders a live-profiles query for `filter` (AIP-160 text).
SqlFragment RenderFilter(absl::string_view filter, bool show_deleted = false) {
  absl::StatusOr<std::optional<FilterNode>> parsed = domain::ParseProfileFilter(filter);
  EXPECT_TRUE(parsed.ok()) << parsed.status();
  ProfileListQuery query;
  if (parsed.ok()) query.filter = *parsed;
  query.show_deleted = show_deleted;
  return RenderProfileListQuery(query);
}

// Verifies the default query lists live profiles by create_time then id.
TEST(FilterSqlTest, DefaultQuery) {
  SqlFragment sql = RenderProfileListQuery(ProfileListQuery{});
  EXPECT_EQ(sql.sql, absl::StrCat(kLive, " ", kTail));
  EXPECT_THAT(sql.params, ElementsAre(SqlParam(int64_t{50})));
}

// Verifies show_deleted drops the delete_time condition; merged profiles
// stay out.
TEST(FilterSqlTest, ShowDeletedWithoutFilter) {
  ProfileListQuery query;
  query.show_deleted = true;
  query.limit = 7;
  SqlFragment sql = RenderProfileListQuery(query);
  EXPECT_EQ(sql.sql, absl::StrCat("WHERE COALESCE(p.merged_into, '') = '' ", kTail));
  EXPECT_THAT(sql.params, ElementsAre(SqlParam(int64_t{7})));
}

// Verifies each comparison operator on a string column.
TEST(FilterSqlTest, ScalarOperators) {
  const std::vector<std::pair<FilterOp, std::string>> cases = {
      {FilterOp::kEq, "="},  {FilterOp::kHas, "="}, {FilterOp::kNe, "<>"}, {FilterOp::kLt, "<"},
      {FilterOp::kLe, "<="}, {FilterOp::kGt, ">"},  {FilterOp::kGe, ">="}};
  for (const auto& [op, sql_op] : cases) {
    SqlFragment sql = RenderProfileListQuery(
        WithFilter(Compare(FilterField::kRegionCode, op, std::string("NO"))));
    EXPECT_EQ(sql.sql, absl::StrCat(kLive, " AND p.region_code ", sql_op, " ? ", kTail));
    EXPECT_THAT(sql.params, ElementsAre(SqlParam(std::string("NO")), SqlParam(int64_t{50})));
  }
}

// Verifies times compare as integer microseconds.
TEST(FilterSqlTest, TimeColumns) {
  SqlFragment sql = RenderProfileListQuery(WithFilter(Junction(
      FilterNode::Kind::kAnd, {Compare(FilterField::kCreateTime, FilterOp::kGe, int64_t{10}),
                               Compare(FilterField::kUpdateTime, FilterOp::kLt, int64_t{20})})));
  EXPECT_EQ(sql.sql,
            absl::StrCat(kLive, " AND (p.create_time >= ? AND p.update_time < ?) ", kTail));
  EXPECT_THAT(sql.params,
              ElementsAre(SqlParam(int64_t{10}), SqlParam(int64_t{20}), SqlParam(int64_t{50})));
}

// Verifies prefixes become LIKE with %, _ and ! escaped, and != a NOT LIKE.
TEST(FilterSqlTest, PrefixLike) {
  SqlFragment like = RenderProfileListQuery(
      WithFilter(Compare(FilterField::kDisplayName, FilterOp::kEq, std::string("50%_off!"), true)));
  EXPECT_EQ(like.sql, absl::StrCat(kLive, " AND p.display_name LIKE ? ESCAPE '!' ", kTail));
  EXPECT_THAT(like.params,
              ElementsAre(SqlParam(std::string("50!%!_off!!%")), SqlParam(int64_t{50})));

  SqlFragment not_like = RenderProfileListQuery(
      WithFilter(Compare(FilterField::kDisplayName, FilterOp::kNe, std::string("Ann"), true)));
  EXPECT_EQ(not_like.sql, absl::StrCat(kLive, " AND p.display_name NOT LIKE ? ESCAPE '!' ", kTail));
  EXPECT_THAT(not_like.params, ElementsAre(SqlParam(std::string("Ann%")), SqlParam(int64_t{50})));
}

// Verifies repeated fields become EXISTS / NOT EXISTS over their side tables.
TEST(FilterSqlTest, RepeatedFields) {
  const std::string tag = "EXISTS (SELECT 1 FROM profile_tags t WHERE t.profile_id = p.id AND ";
  const std::string ext =
      "EXISTS (SELECT 1 FROM profile_external_ids e WHERE e.profile_id = p.id AND ";
  const std::vector<std::pair<FilterNode, std::string>> cases = {
      {Compare(FilterField::kTags, FilterOp::kHas, std::string("vip")), tag + "t.tag = ?)"},
      {Compare(FilterField::kTags, FilterOp::kEq, std::string("vip")), tag + "t.tag = ?)"},
      {Compare(FilterField::kTags, FilterOp::kNe, std::string("vip")), "NOT " + tag + "t.tag = ?)"},
      {Compare(FilterField::kTags, FilterOp::kHas, std::string("vip"), true),
       tag + "t.tag LIKE ? ESCAPE '!')"},
      {Compare(FilterField::kExternalIdSystem, FilterOp::kEq, std::string("vip")),
       ext + "e.system = ?)"},
      {Compare(FilterField::kExternalIdId, FilterOp::kHas, std::string("vip")),
       ext + "e.external_id = ?)"},
      {Compare(FilterField::kExternalIdId, FilterOp::kNe, std::string("vip")),
       "NOT " + ext + "e.external_id = ?)"},
      {Compare(FilterField::kExternalIdId, FilterOp::kNe, std::string("vip"), true),
       "NOT " + ext + "e.external_id LIKE ? ESCAPE '!')"},
  };
  for (const auto& [node, expected] : cases) {
    SqlFragment sql = RenderProfileListQuery(WithFilter(node));
    EXPECT_EQ(sql.sql, absl::StrCat(kLive, " AND ", expected, " ", kTail));
    EXPECT_EQ(sql.params.size(), 2u);
  }
}

// Verifies AND, OR and NOT nest with explicit parentheses.
TEST(FilterSqlTest, BooleanStructure) {
  SqlFragment sql = RenderFilter("region_code = NO AND -(tags:a OR display_name = x)");
  EXPECT_EQ(sql.sql, absl::StrCat(kLive,
                                  " AND (p.region_code = ? AND NOT ((EXISTS (SELECT 1 FROM "
                                  "profile_tags t WHERE t.profile_id = p.id AND t.tag = ?) OR "
                                  "p.display_name = ?))) ",
                                  kTail));
  EXPECT_THAT(sql.params, ElementsAre(SqlParam(std::string("NO")), SqlParam(std::string("a")),
                                      SqlParam(std::string("x")), SqlParam(int64_t{50})));
  EXPECT_EQ(RenderFilter("NOT region_code = NO").sql,
            absl::StrCat(kLive, " AND NOT (p.region_code = ?) ", kTail));
}

// Verifies keyset conditions and ordering for each column and direction.
TEST(FilterSqlTest, Keyset) {
  ProfileListQuery query;
  query.order_field = ProfileOrderField::kUpdateTime;
  query.after = ProfileCursor{int64_t{99}, "id-9"};
  query.limit = 3;
  SqlFragment asc = RenderProfileListQuery(query);
  EXPECT_EQ(asc.sql, absl::StrCat(kLive,
                                  " AND p.update_time >= ? AND (p.update_time > ? OR p.id > ?) "
                                  "ORDER BY p.update_time, p.id LIMIT ?"));
  EXPECT_THAT(asc.params, ElementsAre(SqlParam(int64_t{99}), SqlParam(int64_t{99}),
                                      SqlParam(std::string("id-9")), SqlParam(int64_t{3})));

  query.order_field = ProfileOrderField::kDisplayName;
  query.descending = true;
  query.show_deleted = true;
  query.after = ProfileCursor{std::string("Ann"), "id-1"};
  query.filter = Compare(FilterField::kTags, FilterOp::kHas, std::string("vip"));
  SqlFragment desc = RenderProfileListQuery(query);
  EXPECT_EQ(desc.sql,
            "WHERE COALESCE(p.merged_into, '') = '' AND EXISTS (SELECT 1 FROM profile_tags t WHERE "
            "t.profile_id = p.id AND t.tag = ?) AND p.display_name <= ? AND (p.display_name < ? OR "
            "p.id < ?) "
            "ORDER BY p.display_name DESC, p.id DESC LIMIT ?");
  EXPECT_THAT(desc.params, ElementsAre(SqlParam(std::string("vip")), SqlParam(std::string("Ann")),
                                       SqlParam(std::string("Ann")), SqlParam(std::string("id-1")),
                                       SqlParam(int64_t{3})));

  query = ProfileListQuery{};
  query.descending = true;
  EXPECT_EQ(RenderProfileListQuery(query).sql,
            absl::StrCat(kLive, " ORDER BY p.create_time DESC, p.id DESC LIMIT ?"));
}

// Verifies user values only ever travel as parameters, never in SQL text.
TEST(FilterSqlTest, ValuesNeverInSqlText) {
  const std::string evil = "x' OR 1=1 -- ";
  for (const std::string& filter : {
           absl::StrCat("display_name = \"", "x\\' OR 1=1 -- ", "\""),
           absl::StrCat("region_code != \"", "x\\' OR 1=1 -- ", "\""),
           absl::StrCat("tags:\"", "x\\' OR 1=1 -- ", "*\""),
           absl::StrCat("external_ids.id = \"", "x\\' OR 1=1 -- ", "\""),
           absl::StrCat("-external_ids.system:\"", "x\\' OR 1=1 -- ", "\""),
       }) {
    SqlFragment sql = RenderFilter(filter);
    EXPECT_THAT(sql.sql, Not(HasSubstr("1=1"))) << filter;
    EXPECT_THAT(sql.sql, Not(HasSubstr("'x"))) << filter;
    const bool in_params =
        std::any_of(sql.params.begin(), sql.params.end(), [&evil](const SqlParam& param) {
          const auto* text = std::get_if<std::string>(&param);
          return text != nullptr && absl::StrContains(*text, evil);
        });
    EXPECT_TRUE(in_params) << filter;
  }
  ProfileListQuery query;
  query.order_field = ProfileOrderField::kDisplayName;
  query.after = ProfileCursor{evil, evil};
  EXPECT_THAT(RenderProfileListQuery(query).sql, Not(HasSubstr("1=1")));
}

// ---------------------------------------------------------------------------
// The rendered SQL run against SQLite with the real schema.

// 2026-01-01T00:00:00Z in microseconds; rows are minutes after it.
constexpr int64_t kBase = 1767225600LL * 1000000;
constexpr int64_t kMinute = 60LL * 1000000;

struct Row {
  std::string id;
  int64_t create_minute;
  int64_t update_minute;
  bool deleted;
  std::string display_name;
  std::string region_code;
  std::vector<std::string> tags;
  std::vector<std::pair<std::string, std::string>> external_ids;
};

std::vector<Row> Rows() {
  return {
      {"p1", 1, 8, false, "Ann", "NO", {"vip", "gold"}, {{"billing", "ACC-1"}}},
      {"p2", 2, 7, false, "anna", "SE", {"vip"}, {{"webshop", "u_1"}}},
      {"p3", 3, 6, false, "Bob_1", "NO", {}, {}},
      {"p4", 4, 5, false, "Bo%b", "DK", {"gold"}, {{"billing", "ACC-2"}}},
      {"p5", 5, 9, true, "Ann", "NO", {"vip"}, {{"billing", "ACC-1"}}},
      {"p6", 3, 4, false, "Ann", "", {"new"}, {}},
      {"p7", 6, 3, false, "\xC3\x86r\xC3\xB8", "NO", {}, {}},
      {"p8", 7, 2, false, "Zed!x", "FI", {}, {{"webshop", "u_2"}}},
  };
}

class SqliteFilterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(":memory:", &db), SQLITE_OK);
    db_.reset(db);
    // As the SQLite store does, so that LIKE compares bytes like MySQL's
    // utf8mb4_bin columns instead of folding ASCII case.
    Exec("PRAGMA case_sensitive_like = ON");
    for (const Migration& migration : SqliteMigrations()) Exec(migration.sql);
    for (const Row& row : Rows()) Insert(row);
  }

  void Exec(const std::string& sql) {
    char* error = nullptr;
    const int rc = sqlite3_exec(db_.get(), sql.c_str(), nullptr, nullptr, &error);
    ASSERT_EQ(rc, SQLITE_OK) << (error != nullptr ? error : "") << " in " << sql;
  }

  void Insert(const Row& row) {
    Exec(absl::StrCat("INSERT INTO profiles VALUES ('", row.id, "', 1, ",
                      kBase + row.create_minute * kMinute, ", ",
                      kBase + row.update_minute * kMinute, ", ",
                      row.deleted ? absl::StrCat(kBase + 10 * kMinute) : "NULL", ", '",
                      row.display_name, "', '", row.region_code, "', x'', NULL, '', 0)"));
    for (const std::string& tag : row.tags) {
      Exec(absl::StrCat("INSERT INTO profile_tags VALUES ('", row.id, "', '", tag, "')"));
    }
    for (const auto& [system, id] : row.external_ids) {
      Exec(absl::StrCat("INSERT INTO profile_external_ids VALUES ('", row.id, "', '", system,
                        "', '", id, "', ", row.deleted ? "NULL" : "1", ")"));
    }
  }

  // Select runs the rendered query and returns (id, order key) per row.
  std::vector<std::pair<std::string, ProfileCursor>> Select(const ProfileListQuery& query) {
    SqlFragment fragment = RenderProfileListQuery(query);
    const std::string sql = absl::StrCat(
        "SELECT p.id, p.create_time, p.update_time, p.display_name FROM profiles p ", fragment.sql);
    sqlite3_stmt* raw = nullptr;
    std::vector<std::pair<std::string, ProfileCursor>> result;
    EXPECT_EQ(sqlite3_prepare_v2(db_.get(), sql.c_str(), -1, &raw, nullptr), SQLITE_OK)
        << sqlite3_errmsg(db_.get()) << " in " << sql;
    std::unique_ptr<sqlite3_stmt, decltype(&sqlite3_finalize)> stmt(raw, &sqlite3_finalize);
    if (raw == nullptr) return result;
    EXPECT_EQ(sqlite3_bind_parameter_count(raw), static_cast<int>(fragment.params.size()));
    for (size_t i = 0; i < fragment.params.size(); ++i) {
      const int index = static_cast<int>(i) + 1;
      if (const auto* text = std::get_if<std::string>(&fragment.params[i])) {
        sqlite3_bind_text(raw, index, text->data(), static_cast<int>(text->size()),
                          SQLITE_TRANSIENT);
      } else {
        sqlite3_bind_int64(raw, index, std::get<int64_t>(fragment.params[i]));
      }
    }
    int rc;
    while ((rc = sqlite3_step(raw)) == SQLITE_ROW) {
      const std::string id = reinterpret_cast<const char*>(sqlite3_column_text(raw, 0));
      ProfileCursor cursor;
      cursor.id = id;
      switch (query.order_field) {
        case ProfileOrderField::kCreateTime:
          cursor.key = static_cast<int64_t>(sqlite3_column_int64(raw, 1));
          break;
        case ProfileOrderField::kUpdateTime:
          cursor.key = static_cast<int64_t>(sqlite3_column_int64(raw, 2));
          break;
        case ProfileOrderField::kDisplayName:
          cursor.key = std::string(reinterpret_cast<const char*>(sqlite3_column_text(raw, 3)));
          break;
      }
      result.emplace_back(id, std::move(cursor));
    }
    EXPECT_EQ(rc, SQLITE_DONE) << sqlite3_errmsg(db_.get());
    return result;
  }

  // Ids returns the sorted ids matching `filter`.
  std::string Ids(absl::string_view filter, bool show_deleted = false) {
    absl::StatusOr<std::optional<FilterNode>> parsed = domain::ParseProfileFilter(filter);
    if (!parsed.ok()) return std::string(parsed.status().message());
    ProfileListQuery query;
    query.filter = *parsed;
    query.show_deleted = show_deleted;
    query.limit = 100;
    std::vector<std::string> ids;
    for (const auto& [id, cursor] : Select(query)) ids.push_back(id);
    std::sort(ids.begin(), ids.end());
    return absl::StrJoin(ids, ",");
  }

  std::unique_ptr<sqlite3, decltype(&sqlite3_close)> db_{nullptr, &sqlite3_close};
};

// Verifies string comparisons, prefixes and escaping on real rows.
TEST_F(SqliteFilterTest, StringFields) {
  EXPECT_EQ(Ids(""), "p1,p2,p3,p4,p6,p7,p8");
  EXPECT_EQ(Ids("", true), "p1,p2,p3,p4,p5,p6,p7,p8");
  EXPECT_EQ(Ids("region_code = NO"), "p1,p3,p7");
  EXPECT_EQ(Ids("region_code:NO"), "p1,p3,p7");
  EXPECT_EQ(Ids("region_code != NO"), "p2,p4,p6,p8");
  EXPECT_EQ(Ids("NOT region_code = NO"), "p2,p4,p6,p8");
  EXPECT_EQ(Ids("region_code = \"\""), "p6");
  EXPECT_EQ(Ids("display_name = Ann"), "p1,p6");
  EXPECT_EQ(Ids("display_name = Ann*"), "p1,p6");
  EXPECT_EQ(Ids("display_name = ann*"), "p2");
  EXPECT_EQ(Ids("display_name != Ann*"), "p2,p3,p4,p7,p8");
  EXPECT_EQ(Ids("display_name = \"Bo%*\""), "p4");
  EXPECT_EQ(Ids("display_name = \"Bob_*\""), "p3");
  EXPECT_EQ(Ids("display_name = \"Bo_*\""), "");
  EXPECT_EQ(Ids("display_name = \"Zed!*\""), "p8");
  EXPECT_EQ(Ids("display_name >= B AND display_name < C"), "p3,p4");
  // Byte order: upper case before lower case, "Ærø" (0xC3...) after all ASCII.
  EXPECT_EQ(Ids("display_name > Z"), "p2,p7,p8");
  EXPECT_EQ(Ids("display_name > zz"), "p7");
  EXPECT_EQ(Ids("display_name = \"Ærø\""), "p7");
  EXPECT_EQ(Ids("display_name = \"*\""), "p1,p2,p3,p4,p6,p7,p8");
}

// Verifies tag and external id filters, including on deleted profiles.
TEST_F(SqliteFilterTest, RepeatedFields) {
  EXPECT_EQ(Ids("tags:vip"), "p1,p2");
  EXPECT_EQ(Ids("tags:vip", true), "p1,p2,p5");
  EXPECT_EQ(Ids("tags != vip"), "p3,p4,p6,p7,p8");
  EXPECT_EQ(Ids("-tags:vip"), "p3,p4,p6,p7,p8");
  EXPECT_EQ(Ids("tags:*"), "p1,p2,p4,p6");
  EXPECT_EQ(Ids("-tags:*"), "p3,p7,p8");
  EXPECT_EQ(Ids("tags:vip tags:gold"), "p1");
  EXPECT_EQ(Ids("tags:vip OR tags:gold"), "p1,p2,p4");
  EXPECT_EQ(Ids("external_ids.system = billing"), "p1,p4");
  EXPECT_EQ(Ids("external_ids.id = ACC-1"), "p1");
  EXPECT_EQ(Ids("external_ids.id = ACC-1", true), "p1,p5");
  EXPECT_EQ(Ids("external_ids.id = u_*"), "p2,p8");
  EXPECT_EQ(Ids("external_ids.id != ACC-*"), "p2,p3,p6,p7,p8");
  EXPECT_EQ(Ids("external_ids.system:webshop external_ids.id:u_2"), "p8");
}

// Verifies time filters compare microseconds, with offsets applied.
TEST_F(SqliteFilterTest, TimeFields) {
  EXPECT_EQ(
      Ids("create_time >= \"2026-01-01T00:03:00Z\" AND create_time < \"2026-01-01T00:06:00Z\""),
      "p3,p4,p6");
  EXPECT_EQ(Ids("create_time = \"2026-01-01T01:03:00+01:00\""), "p3,p6");
  EXPECT_EQ(Ids("update_time < \"2026-01-01T00:05:00Z\""), "p6,p7,p8");
  EXPECT_EQ(Ids("update_time <= \"2025-12-31T19:05:00-05:00\""), "p4,p6,p7,p8");
  EXPECT_EQ(Ids("update_time > \"2026-01-01T00:08:00Z\"", true), "p5");
}

// Verifies AIP-160 precedence holds in SQL: OR binds tighter than AND.
TEST_F(SqliteFilterTest, Precedence) {
  // (region NO AND tags vip) OR tags gold would also give p4.
  EXPECT_EQ(Ids("region_code = NO AND tags:vip OR tags:gold"), "p1");
  EXPECT_EQ(Ids("(region_code = NO AND tags:vip) OR tags:gold"), "p1,p4");
  EXPECT_EQ(Ids("region_code = NO tags:vip OR tags:gold"), "p1");
  EXPECT_EQ(Ids("NOT (region_code = NO OR region_code = SE) -tags:*"), "p8");
}

// Verifies paging with the keyset cursor yields every row once, in order,
// for each order column and direction, with and without deleted profiles.
TEST_F(SqliteFilterTest, KeysetPagesMatchFullOrder) {
  for (ProfileOrderField field : {ProfileOrderField::kCreateTime, ProfileOrderField::kUpdateTime,
                                  ProfileOrderField::kDisplayName}) {
    for (bool descending : {false, true}) {
      for (bool show_deleted : {false, true}) {
        ProfileListQuery query;
        query.order_field = field;
        query.descending = descending;
        query.show_deleted = show_deleted;
        query.limit = 100;
        std::vector<std::pair<std::string, ProfileCursor>> all = Select(query);
        std::vector<std::tuple<std::variant<int64_t, std::string>, std::string>> expected;
        for (const auto& [id, cursor] : all) expected.emplace_back(cursor.key, id);
        ASSERT_EQ(all.size(), show_deleted ? 8u : 7u);
        EXPECT_TRUE(descending ? std::is_sorted(expected.rbegin(), expected.rend())
                               : std::is_sorted(expected.begin(), expected.end()));

        query.limit = 2;
        std::vector<std::string> paged;
        for (int page = 0; page < 10; ++page) {
          std::vector<std::pair<std::string, ProfileCursor>> rows = Select(query);
          for (const auto& [id, cursor] : rows) paged.push_back(id);
          if (rows.size() < 2) break;
          query.after = rows.back().second;
        }
        std::vector<std::string> all_ids;
        for (const auto& [id, cursor] : all) all_ids.push_back(id);
        EXPECT_EQ(paged, all_ids) << static_cast<int>(field) << descending << show_deleted;
      }
    }
  }
}

// Verifies rows inserted between pages are neither repeated nor skipped:
// those before the cursor stay unseen, those after appear once.
TEST_F(SqliteFilterTest, KeysetStableUnderInserts) {
  ProfileListQuery query;
  query.limit = 4;
  std::vector<std::pair<std::string, ProfileCursor>> first = Select(query);
  ASSERT_EQ(first.size(), 4u);
  // p3 and p6 tie on create_time; the id breaks the tie.
  EXPECT_EQ(first[2].first, "p3");
  EXPECT_EQ(first[3].first, "p6");
  Insert(Row{"p0", 0, 0, false, "Early", "NO", {}, {}});
  Insert(Row{"p35", 3, 0, false, "Tie before", "NO", {}, {}});
  Insert(Row{"p60", 3, 0, false, "Tie after", "NO", {}, {}});
  Insert(Row{"p9", 20, 0, false, "Late", "NO", {}, {}});
  std::vector<std::string> rest;
  query.after = first.back().second;
  while (true) {
    std::vector<std::pair<std::string, ProfileCursor>> rows = Select(query);
    for (const auto& [id, cursor] : rows) rest.push_back(id);
    if (rows.size() < 4) break;
    query.after = rows.back().second;
  }
  EXPECT_THAT(rest, ElementsAre("p60", "p4", "p7", "p8", "p9"));
}

}  // namespace
}  // namespace cp::storage::sql

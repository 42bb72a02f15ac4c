#include "storage/sql/filter_sql.h"

#include <string>
#include <variant>

#include "absl/strings/str_cat.h"

namespace cp::storage::sql {
namespace {

// ComparisonSql is the SQL operator of `op`; ':' on a single value is
// equality.
absl::string_view ComparisonSql(FilterOp op) {
  switch (op) {
    case FilterOp::kEq:
    case FilterOp::kHas:
      return "=";
    case FilterOp::kNe:
      return "<>";
    case FilterOp::kLt:
      return "<";
    case FilterOp::kLe:
      return "<=";
    case FilterOp::kGt:
      return ">";
    case FilterOp::kGe:
      return ">=";
  }
  return "=";
}

// ColumnSql is the column of a single-valued field: of `profiles p`, or
// of `interactions` (unqualified).
absl::string_view ColumnSql(FilterField field) {
  switch (field) {
    case FilterField::kRegionCode:
      return "p.region_code";
    case FilterField::kDisplayName:
      return "p.display_name";
    case FilterField::kCreateTime:
      return "p.create_time";
    case FilterField::kInteractionChannel:
      return "channel";
    case FilterField::kInteractionDirection:
      return "direction";
    case FilterField::kInteractionKind:
      return "kind";
    case FilterField::kInteractionOccurTime:
      return "occur_time";
    case FilterField::kInteractionSourceSystem:
      return "source_system";
    case FilterField::kInteractionCampaign:
      return "campaign";
    case FilterField::kUpdateTime:
      return "p.update_time";
    case FilterField::kInsightsValueTier:
      return "p.insights_value_tier";
    case FilterField::kInsightsLastInteractionTime:
      return "p.insights_last_time";
    default:
      return "";
  }
}

// SubquerySql is the correlated subquery over a repeated field's side
// table, up to the compared column.
absl::string_view SubquerySql(FilterField field) {
  switch (field) {
    case FilterField::kTags:
      return "SELECT 1 FROM profile_tags t WHERE t.profile_id = p.id AND t.tag";
    case FilterField::kExternalIdSystem:
      return "SELECT 1 FROM profile_external_ids e WHERE e.profile_id = p.id AND e.system";
    case FilterField::kExternalIdId:
      return "SELECT 1 FROM profile_external_ids e WHERE e.profile_id = p.id AND e.external_id";
    case FilterField::kEmailAddress:
      return "SELECT 1 FROM profile_contact_points c WHERE c.profile_id = p.id AND "
             "c.kind = 'email' AND c.lookup_value";
    case FilterField::kPhoneNumber:
      return "SELECT 1 FROM profile_contact_points c WHERE c.profile_id = p.id AND "
             "c.kind = 'phone' AND c.lookup_value";
    default:
      return "";
  }
}

absl::string_view OrderColumnSql(ProfileOrderField field) {
  switch (field) {
    case ProfileOrderField::kCreateTime:
      return "p.create_time";
    case ProfileOrderField::kUpdateTime:
      return "p.update_time";
    case ProfileOrderField::kDisplayName:
      return "p.display_name";
    case ProfileOrderField::kInsightsLastInteractionTime:
      return "p.insights_last_time";
  }
  return "p.create_time";
}

// LikePrefix turns a prefix into a LIKE pattern with '!' as the escape.
std::string LikePrefix(absl::string_view prefix) {
  std::string pattern;
  pattern.reserve(prefix.size() + 1);
  for (char c : prefix) {
    if (c == '!' || c == '%' || c == '_') pattern.push_back('!');
    pattern.push_back(c);
  }
  pattern.push_back('%');
  return pattern;
}

// Renderer appends SQL text and the matching parameters in order.
class Renderer {
 public:
  explicit Renderer(SqlFragment* out) : out_(out) {}

  void Node(const FilterNode& node) {
    switch (node.kind) {
      case FilterNode::Kind::kAnd:
      case FilterNode::Kind::kOr:
        out_->sql += "(";
        for (size_t i = 0; i < node.children.size(); ++i) {
          if (i > 0) out_->sql += node.kind == FilterNode::Kind::kAnd ? " AND " : " OR ";
          Node(node.children[i]);
        }
        out_->sql += ")";
        return;
      case FilterNode::Kind::kNot:
        // Always parenthesised: MySQL's HIGH_NOT_PRECEDENCE would otherwise
        // read "NOT a = ?" as "(NOT a) = ?".
        out_->sql += "NOT (";
        if (!node.children.empty()) Node(node.children[0]);
        out_->sql += ")";
        return;
      case FilterNode::Kind::kCompare:
        Compare(node);
        return;
    }
  }

 private:
  // Compare renders one comparison. Repeated fields become EXISTS over their
  // side table ("has a value that ..."), and != becomes NOT EXISTS with =
  // ("has no value equal to ..."). Side-table rows are matched whether or
  // not the profile is live, so deleted profiles filter the same way.
  void Compare(const FilterNode& node) {
    const absl::string_view subquery = SubquerySql(node.field);
    const bool repeated = !subquery.empty();
    const bool negated = node.op == FilterOp::kNe;
    const FilterOp op = repeated && negated ? FilterOp::kEq : node.op;
    // 0 stands for "no interaction", which only != matches.
    const bool guard_never = node.field == FilterField::kInsightsLastInteractionTime && !negated;
    if (guard_never) out_->sql += "(p.insights_last_time <> 0 AND ";
    if (repeated) {
      absl::StrAppend(&out_->sql, negated ? "NOT EXISTS (" : "EXISTS (", subquery, " ");
    } else {
      absl::StrAppend(&out_->sql, ColumnSql(node.field), " ");
    }
    if (node.prefix) {
      absl::StrAppend(&out_->sql, op == FilterOp::kNe ? "NOT LIKE" : "LIKE", " ? ESCAPE '!'");
      const auto* prefix = std::get_if<std::string>(&node.value);
      out_->params.emplace_back(
          LikePrefix(prefix != nullptr ? absl::string_view(*prefix) : absl::string_view()));
    } else {
      absl::StrAppend(&out_->sql, ComparisonSql(op), " ?");
      std::visit([this](const auto& value) { out_->params.emplace_back(value); }, node.value);
    }
    if (repeated) out_->sql += ")";
    if (guard_never) out_->sql += ")";
  }

  SqlFragment* out_;
};

}  // namespace

void RenderFilter(const FilterNode& filter, SqlFragment* out) {
  out->sql += "(";
  Renderer(out).Node(filter);
  out->sql += ")";
}

SqlFragment RenderProfileListQuery(const ProfileListQuery& query) {
  SqlFragment out;
  Renderer renderer(&out);
  bool first = true;
  auto next_condition = [&out, &first] {
    out.sql += first ? "WHERE " : " AND ";
    first = false;
  };
  // A merged profile is never listed: its survivor is the customer. Written
  // so that no index serves it: an index on merged_into (for the survivor's
  // members) would otherwise win over the order's index and sort the table.
  next_condition();
  out.sql += "COALESCE(p.merged_into, '') = ''";
  if (!query.show_deleted) {
    next_condition();
    out.sql += "p.delete_time IS NULL";
  }
  if (query.filter.has_value()) {
    next_condition();
    renderer.Node(*query.filter);
  }
  const absl::string_view column = OrderColumnSql(query.order_field);
  const absl::string_view direction = query.descending ? "<" : ">";
  if (query.after.has_value()) {
    next_condition();
    // "col >= ? AND (col > ? OR id > ?)" rather than the equivalent
    // "col > ? OR (col = ? AND id > ?)": both SQLite and MySQL turn the first
    // conjunct into an index range seek, so a late page costs no more than
    // the first.
    const absl::string_view inclusive = query.descending ? "<=" : ">=";
    absl::StrAppend(&out.sql, column, " ", inclusive, " ? AND (", column, " ", direction,
                    " ? OR p.id ", direction, " ?)");
    std::visit(
        [&out](const auto& key) {
          out.params.emplace_back(key);
          out.params.emplace_back(key);
        },
        query.after->key);
    out.params.emplace_back(query.after->id);
  }
  if (!first) out.sql += " ";
  const absl::string_view order = query.descending ? " DESC" : "";
  absl::StrAppend(&out.sql, "ORDER BY ", column, order, ", p.id", order, " LIMIT ?");
  out.params.emplace_back(static_cast<int64_t>(query.limit));
  return out;
}

}  // namespace cp::storage::sql

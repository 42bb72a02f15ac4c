#include "storage/sqlite/sqlite_statement.h"

#include <string>
#include <utility>
#include <variant>

#include "storage/sqlite/sqlite_connection.h"
#include "storage/sqlite/sqlite_status.h"

namespace cp::storage {

SqliteStatement::SqliteStatement(SqliteConnection* connection, sqlite3_stmt* stmt, bool owned)
    : connection_(connection), stmt_(stmt), owned_(owned) {}

SqliteStatement::~SqliteStatement() { Release(); }

SqliteStatement::SqliteStatement(SqliteStatement&& other) noexcept
    : connection_(other.connection_),
      stmt_(std::exchange(other.stmt_, nullptr)),
      owned_(other.owned_),
      bind_error_(other.bind_error_) {}

SqliteStatement& SqliteStatement::operator=(SqliteStatement&& other) noexcept {
  if (this != &other) {
    Release();
    connection_ = other.connection_;
    stmt_ = std::exchange(other.stmt_, nullptr);
    owned_ = other.owned_;
    bind_error_ = other.bind_error_;
  }
  return *this;
}

void SqliteStatement::Release() {
  if (stmt_ == nullptr) return;
  if (owned_) {
    sqlite3_finalize(stmt_);
  } else {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  stmt_ = nullptr;
}

void SqliteStatement::BindText(int index, absl::string_view value) {
  int rc =
      sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_STATIC, SQLITE_UTF8);
  if (bind_error_ == SQLITE_OK) bind_error_ = rc;
}

void SqliteStatement::BindBlob(int index, absl::string_view value) {
  int rc = sqlite3_bind_blob64(stmt_, index, value.data(), value.size(), SQLITE_STATIC);
  if (bind_error_ == SQLITE_OK) bind_error_ = rc;
}

void SqliteStatement::BindInt64(int index, int64_t value) {
  int rc = sqlite3_bind_int64(stmt_, index, value);
  if (bind_error_ == SQLITE_OK) bind_error_ = rc;
}

void SqliteStatement::BindNull(int index) {
  int rc = sqlite3_bind_null(stmt_, index);
  if (bind_error_ == SQLITE_OK) bind_error_ = rc;
}

absl::StatusOr<bool> SqliteStatement::Step() {
  if (bind_error_ != SQLITE_OK) {
    return SqliteStatus(connection_->db(), bind_error_, "binding a parameter");
  }
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  connection_->NoteFailure(rc);
  return SqliteStatus(connection_->db(), rc, "running a statement");
}

absl::Status SqliteStatement::Execute() {
  absl::StatusOr<bool> row = Step();
  if (!row.ok()) return row.status();
  while (*row) {
    row = Step();
    if (!row.ok()) return row.status();
  }
  return absl::OkStatus();
}

void SqliteStatement::Reset() {
  sqlite3_reset(stmt_);
  bind_error_ = SQLITE_OK;
}

int64_t SqliteStatement::ColumnInt64(int column) const {
  return sqlite3_column_int64(stmt_, column);
}

bool SqliteStatement::ColumnIsNull(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

absl::string_view SqliteStatement::ColumnText(int column) const {
  const unsigned char* text = sqlite3_column_text(stmt_, column);
  if (text == nullptr) return {};
  return absl::string_view(reinterpret_cast<const char*>(text),
                           static_cast<size_t>(sqlite3_column_bytes(stmt_, column)));
}

absl::string_view SqliteStatement::ColumnBlob(int column) const {
  const void* blob = sqlite3_column_blob(stmt_, column);
  if (blob == nullptr) return {};
  return absl::string_view(static_cast<const char*>(blob),
                           static_cast<size_t>(sqlite3_column_bytes(stmt_, column)));
}

void BindParams(SqliteStatement& statement, const std::vector<sql::SqlParam>& params, int first) {
  for (size_t i = 0; i < params.size(); ++i) {
    int index = first + static_cast<int>(i);
    if (const auto* text = std::get_if<std::string>(&params[i])) {
      statement.BindText(index, *text);
    } else {
      statement.BindInt64(index, std::get<int64_t>(params[i]));
    }
  }
}

}  // namespace cp::storage

#pragma once

#include <string>
#include <vector>

namespace cp::storage {

// Migration is one versioned schema change, embedded at build time from
// storage/<dialect>/migrations/NNNN_name.sql.
struct Migration {
  int version;
  std::string name;
  std::string sql;
};

// SqliteMigrations returns the SQLite migrations in version order.
const std::vector<Migration>& SqliteMigrations();
// MysqlMigrations returns the MySQL/MariaDB migrations in version order.
const std::vector<Migration>& MysqlMigrations();

}  // namespace cp::storage

#pragma once

#include <string>

#include "storage/mysql/mysql_store.h"

namespace cp::storage {

// MysqlEndpoint names where `options` connect, for messages and logs, never
// with the password: "mysql://USER@HOST:PORT/DATABASE" or
// "mysql://USER@localhost/DATABASE?socket=PATH".
std::string MysqlEndpoint(const MysqlStoreOptions& options);

}  // namespace cp::storage

#include "storage/mysql/mysql_uri.h"

#include <optional>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "storage/mysql/mysql_store.h"

namespace cp::storage {
namespace {

constexpr absl::string_view kScheme = "mysql://";

absl::Status UriError(absl::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat("invalid MySQL store URI: ", problem,
                                                 " (expected mysql://USER[:PASSWORD]@HOST[:PORT]/"
                                                 "DATABASE[?socket=PATH&pool_size=N])"));
}

// PercentDecode decodes %XX escapes; nullopt on a malformed escape.
std::optional<std::string> PercentDecode(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out.push_back(text[i]);
      continue;
    }
    if (i + 2 >= text.size()) return std::nullopt;
    if (!absl::ascii_isxdigit(text[i + 1]) || !absl::ascii_isxdigit(text[i + 2])) {
      return std::nullopt;
    }
    int value = 0;
    absl::SimpleHexAtoi(text.substr(i + 1, 2), &value);
    out.push_back(static_cast<char>(value));
    i += 2;
  }
  return out;
}

}  // namespace

absl::StatusOr<MysqlStoreOptions> ParseMysqlUri(absl::string_view uri) {
  if (!absl::StartsWith(uri, kScheme)) return UriError("it must start with mysql://");
  absl::string_view rest = uri.substr(kScheme.size());

  absl::string_view query;
  if (size_t q = rest.find('?'); q != absl::string_view::npos) {
    query = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }
  size_t slash = rest.find('/');
  if (slash == absl::string_view::npos) return UriError("the database is missing");
  absl::string_view authority = rest.substr(0, slash);
  absl::string_view path = rest.substr(slash + 1);

  MysqlStoreOptions options;
  size_t at = authority.rfind('@');
  if (at == absl::string_view::npos) return UriError("the user is missing");
  absl::string_view userinfo = authority.substr(0, at);
  absl::string_view hostport = authority.substr(at + 1);

  absl::string_view user = userinfo;
  if (size_t colon = userinfo.find(':'); colon != absl::string_view::npos) {
    user = userinfo.substr(0, colon);
    std::optional<std::string> password = PercentDecode(userinfo.substr(colon + 1));
    if (!password) return UriError("the password has a malformed %-escape");
    options.password = *std::move(password);
  }
  std::optional<std::string> decoded_user = PercentDecode(user);
  if (!decoded_user || decoded_user->empty()) return UriError("the user is missing");
  options.user = *std::move(decoded_user);

  absl::string_view host = hostport;
  absl::string_view port;
  if (absl::StartsWith(hostport, "[")) {
    size_t close = hostport.find(']');
    if (close == absl::string_view::npos) return UriError("an IPv6 host lacks its ']'");
    host = hostport.substr(1, close - 1);
    absl::string_view after = hostport.substr(close + 1);
    if (!after.empty()) {
      if (after[0] != ':') return UriError("unexpected text after the IPv6 host");
      port = after.substr(1);
    }
  } else if (size_t colon = hostport.rfind(':'); colon != absl::string_view::npos) {
    host = hostport.substr(0, colon);
    port = hostport.substr(colon + 1);
  }
  if (host.empty()) return UriError("the host is missing");
  options.host = std::string(host);
  if (!port.empty()) {
    int value = 0;
    if (!absl::SimpleAtoi(port, &value) || value < 1 || value > 65535) {
      return UriError("the port must be a number from 1 to 65535");
    }
    options.port = value;
  }

  std::optional<std::string> database = PercentDecode(path);
  if (!database || database->empty()) return UriError("the database is missing");
  if (database->find('/') != std::string::npos) return UriError("the database name has a '/'");
  options.database = *std::move(database);

  if (!query.empty()) {
    for (absl::string_view pair : absl::StrSplit(query, '&', absl::SkipEmpty())) {
      std::pair<absl::string_view, absl::string_view> kv =
          absl::StrSplit(pair, absl::MaxSplits('=', 1));
      std::optional<std::string> value = PercentDecode(kv.second);
      if (!value) return UriError(absl::StrCat("parameter '", kv.first, "' is malformed"));
      if (kv.first == "socket") {
        if (value->empty() || (*value)[0] != '/') {
          return UriError("socket must be an absolute path");
        }
        options.unix_socket = *std::move(value);
      } else if (kv.first == "pool_size") {
        int size = 0;
        if (!absl::SimpleAtoi(*value, &size) || size < 1 || size > 1000) {
          return UriError("pool_size must be a number from 1 to 1000");
        }
        options.pool_size = size;
      } else {
        return UriError(absl::StrCat("unknown parameter '", kv.first, "'"));
      }
    }
  }
  return options;
}

std::string MysqlEndpoint(const MysqlStoreOptions& options) {
  if (!options.unix_socket.empty()) {
    return absl::StrCat("mysql://", options.user, "@localhost/", options.database,
                        "?socket=", options.unix_socket);
  }
  bool ipv6 = options.host.find(':') != std::string::npos;
  return absl::StrCat("mysql://", options.user, "@", ipv6 ? "[" : "", options.host, ipv6 ? "]" : "",
                      ":", options.port, "/", options.database);
}

}  // namespace cp::storage

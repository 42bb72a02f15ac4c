#include "client/audit_format.h"

#include <google/protobuf/util/json_util.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"

namespace cp::client {
namespace {

namespace v1 = ::customerprofile::v1;

std::string Json(const google::protobuf::Value& value) {
  if (value.kind_case() == google::protobuf::Value::KIND_NOT_SET) return "(unset)";
  std::string json;
  if (!google::protobuf::util::MessageToJsonString(value, &json).ok()) return "?";
  return json;
}

std::string Time(const google::protobuf::Timestamp& time) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E*SZ",
                          absl::FromUnixSeconds(time.seconds()) + absl::Nanoseconds(time.nanos()),
                          absl::UTCTimeZone());
}

}  // namespace

std::string AuditText(const v1::AuditEvent& event) {
  std::string what =
      event.read()
          ? "READ"
          : std::string(absl::StripPrefix(v1::ChangeKind_Name(event.kind()), "CHANGE_KIND_"));
  std::string text = absl::StrCat(Time(event.time()), " ", what, " ", event.resource_name());
  if (!event.app_id().empty()) absl::StrAppend(&text, " by ", event.app_id());
  if (event.caller_kind() == v1::AUDIT_CALLER_KIND_SELF_SERVICE) {
    absl::StrAppend(&text, " by the customer (self-service)");
  } else if (event.caller_kind() == v1::AUDIT_CALLER_KIND_DEVELOPMENT) {
    absl::StrAppend(&text, " (development mode)");
  }
  if (!event.actor().empty()) absl::StrAppend(&text, " for ", event.actor());
  std::string method(event.method());
  if (size_t slash = method.rfind('/'); slash != std::string::npos)
    method = method.substr(slash + 1);
  absl::StrAppend(&text, "\n    (", method.empty() ? "?" : method);
  if (!event.request_id().empty()) absl::StrAppend(&text, ", request ", event.request_id());
  absl::StrAppend(&text, ")\n");
  for (const v1::FieldChange& change : event.field_changes()) {
    absl::StrAppend(&text, "  ", change.field_path(), ": ");
    if (change.values_hidden()) {
      absl::StrAppend(&text, "(personal data: values hidden)\n");
    } else {
      absl::StrAppend(&text, Json(change.old_value()), " -> ", Json(change.new_value()), "\n");
    }
  }
  return text;
}

}  // namespace cp::client

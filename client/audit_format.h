#pragma once

#include <string>

#include "customerprofile/v1/audit.pb.h"

namespace cp::client {

// AuditText renders one audit event for a person: a line with the time,
// what happened to which resource, who did it (app, actor, caller kind),
// the method and request id, then one indented line per changed field,
// `path: OLD -> NEW` as JSON, or `(personal data: values hidden)`.
//
//   2026-12-07T15:36:26Z UPDATED profiles/ada by callcenter for agent-7
//       (UpdateProfile, request req-2)
//     display_name: "Ada" -> "Ada L."
std::string AuditText(const customerprofile::v1::AuditEvent& event);

}  // namespace cp::client

#include "server/auth/profile_access.h"

#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "domain/common/errors.h"
#include "domain/common/filter_lexer.h"
#include "server/auth/method_policy.h"
#include "server/auth/pii_redaction.h"

namespace cp::server::auth {
namespace {

namespace v1 = ::customerprofile::v1;

constexpr absl::string_view kSelfWritable[] = {
    "given_name", "family_name", "display_name", "emails", "phones", "addresses", "language_code"};

bool SelfWritable(absl::string_view path) {
  absl::string_view top = path.substr(0, path.find('.'));
  for (absl::string_view field : kSelfWritable) {
    if (top == field) return true;
  }
  return false;
}

absl::Status PiiDenied() {
  return domain::MakeError(absl::StatusCode::kPermissionDenied, "PII_FIELD_NOT_ALLOWED",
                           "filtering or ordering on personal data needs the pii.read scope");
}

// NamesPiiField tells whether the Profile field path `path` starts at a
// field marked as personal data.
bool NamesPiiField(absl::string_view path) {
  const google::protobuf::FieldDescriptor* field =
      v1::Profile::descriptor()->FindFieldByName(std::string(path.substr(0, path.find('.'))));
  return field != nullptr && IsPiiField(*field);
}

}  // namespace

absl::Status CheckQueryFields(const domain::CallContext& context, absl::string_view filter,
                              absl::string_view order_by) {
  if (context.HasScope(kPiiRead)) return absl::OkStatus();
  if (!filter.empty()) {
    absl::StatusOr<std::vector<domain::FilterToken>> tokens = domain::LexFilter(filter);
    if (tokens.ok()) {
      for (const domain::FilterToken& token : *tokens) {
        if (token.kind == domain::FilterTokenKind::kWord && NamesPiiField(token.text)) {
          return PiiDenied();
        }
      }
    }
  }
  for (absl::string_view item : absl::StrSplit(order_by, ',')) {
    std::vector<absl::string_view> words =
        absl::StrSplit(item, absl::ByAnyChar(" \t"), absl::SkipEmpty());
    if (!words.empty() && NamesPiiField(words[0])) return PiiDenied();
  }
  return absl::OkStatus();
}

absl::Status CheckOwnProfile(const domain::CallContext& context, absl::string_view name) {
  if (!context.IsSelfService()) return absl::OkStatus();
  std::string own = absl::StrCat("profiles/", context.self_profile_id);
  if (name == own || absl::StartsWith(name, absl::StrCat(own, "/"))) return absl::OkStatus();
  return domain::MakeError(absl::StatusCode::kPermissionDenied, "NOT_OWN_PROFILE",
                           "a customer may only reach their own profile");
}

absl::Status CheckSelfServiceUpdate(const domain::CallContext& context,
                                    const v1::UpdateProfileRequest& request) {
  if (!context.IsSelfService()) return absl::OkStatus();
  std::vector<std::string> paths;
  if (request.has_update_mask()) {
    paths.assign(request.update_mask().paths().begin(), request.update_mask().paths().end());
  } else {
    std::vector<const google::protobuf::FieldDescriptor*> fields;
    request.profile().GetReflection()->ListFields(request.profile(), &fields);
    for (const google::protobuf::FieldDescriptor* field : fields) {
      if (field->name() != "name" && field->name() != "etag") paths.push_back(field->name());
    }
  }
  for (const std::string& path : paths) {
    if (SelfWritable(path)) continue;
    std::string shown = domain::IsFieldPath(path) ? path : "a field";
    return domain::MakeError(absl::StatusCode::kPermissionDenied, "FIELD_NOT_WRITABLE",
                             absl::StrCat("a customer may not change ", shown,
                                          "; writable: given_name, family_name, display_name, "
                                          "emails, phones, addresses, language_code"));
  }
  return absl::OkStatus();
}

absl::Status CheckBatchSize(const domain::CallContext& context, absl::string_view field, int size) {
  if (context.max_batch_size <= 0 || size <= context.max_batch_size) return absl::OkStatus();
  return domain::InvalidField(field, absl::StrCat("at most ", context.max_batch_size,
                                                  " items per call are allowed for this caller"));
}

}  // namespace cp::server::auth

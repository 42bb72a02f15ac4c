#include "domain/profile/profile_patch.h"

#include "absl/strings/match.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/reflection.h"

namespace cp::domain {
namespace {

using customerprofile::v1::Profile;
using google::protobuf::FieldDescriptor;

constexpr absl::string_view kAttributesPrefix = "attributes.";

const FieldDescriptor* Field(absl::string_view path) {
  return Profile::descriptor()->FindFieldByName(std::string(path));
}

void CopyField(const Profile& from, const FieldDescriptor* field, Profile* to) {
  const auto* reflection = Profile::GetReflection();
  reflection->ClearField(to, field);
  if (field->is_repeated()) {
    int n = reflection->FieldSize(from, field);
    for (int i = 0; i < n; ++i) {
      switch (field->cpp_type()) {
        case FieldDescriptor::CPPTYPE_MESSAGE:
          reflection->AddMessage(to, field)->CopyFrom(
              reflection->GetRepeatedMessage(from, field, i));
          break;
        case FieldDescriptor::CPPTYPE_STRING:
          reflection->AddString(to, field, reflection->GetRepeatedString(from, field, i));
          break;
        default:
          break;  // Profile has no other repeated field types.
      }
    }
    return;
  }
  switch (field->cpp_type()) {
    case FieldDescriptor::CPPTYPE_MESSAGE:
      if (reflection->HasField(from, field)) {
        reflection->MutableMessage(to, field)->CopyFrom(reflection->GetMessage(from, field));
      }
      break;
    case FieldDescriptor::CPPTYPE_STRING:
      reflection->SetString(to, field, reflection->GetString(from, field));
      break;
    default:
      break;  // Profile has no other singular field types.
  }
}

}  // namespace

bool IsOutputOnlyProfilePath(absl::string_view path) {
  return path == "name" || path == "etag" || path == "create_time" || path == "update_time" ||
         path == "delete_time" || path == "state" || path == "merged_into" || path == "provenance";
}

const std::vector<std::string>& WritableProfilePaths() {
  static const auto* const kPaths = new std::vector<std::string>{
      "given_name", "family_name",   "display_name", "emails",       "phones", "addresses",
      "birth_date", "language_code", "region_code",  "external_ids", "tags",   "attributes"};
  return *kPaths;
}

std::vector<std::string> EffectiveUpdatePaths(const google::protobuf::FieldMask* mask,
                                              const Profile& profile) {
  std::vector<std::string> paths;
  bool full_replace = mask != nullptr && mask->paths_size() == 1 && mask->paths(0) == "*";
  if (mask == nullptr || mask->paths_size() == 0) {
    const auto* reflection = Profile::GetReflection();
    for (const std::string& path : WritableProfilePaths()) {
      const FieldDescriptor* field = Field(path);
      bool populated = field->is_repeated() ? reflection->FieldSize(profile, field) > 0
                                            : reflection->HasField(profile, field);
      if (populated) paths.push_back(path);
    }
    return paths;
  }
  if (full_replace) return WritableProfilePaths();
  for (const std::string& path : mask->paths()) {
    if (IsOutputOnlyProfilePath(path)) continue;
    paths.push_back(path);
  }
  return paths;
}

Profile ExtractPatch(const Profile& source, const std::vector<std::string>& paths) {
  Profile patch;
  for (const std::string& path : paths) {
    if (absl::StartsWith(path, kAttributesPrefix)) {
      std::string key = path.substr(kAttributesPrefix.size());
      auto it = source.attributes().find(key);
      if (it != source.attributes().end()) (*patch.mutable_attributes())[key] = it->second;
      continue;
    }
    if (const FieldDescriptor* field = Field(path)) CopyField(source, field, &patch);
  }
  return patch;
}

void ApplyPatch(const Profile& patch, const std::vector<std::string>& paths, Profile* target) {
  for (const std::string& path : paths) {
    if (absl::StartsWith(path, kAttributesPrefix)) {
      std::string key = path.substr(kAttributesPrefix.size());
      auto it = patch.attributes().find(key);
      if (it == patch.attributes().end()) {
        target->mutable_attributes()->erase(key);
      } else {
        (*target->mutable_attributes())[key] = it->second;
      }
      continue;
    }
    if (const FieldDescriptor* field = Field(path)) CopyField(patch, field, target);
  }
}

}  // namespace cp::domain

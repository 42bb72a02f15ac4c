#include "domain/identity/profile_merge.h"

#include <set>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "domain/common/errors.h"
#include "domain/identity/email_address.h"
#include "domain/identity/text_fold.h"
#include "google/protobuf/util/message_differencer.h"

namespace cp::domain {
namespace {

namespace v1 = ::customerprofile::v1;
using google::protobuf::FieldDescriptor;
using google::protobuf::Reflection;
using google::protobuf::util::MessageDifferencer;

constexpr const char* kRepeatedFields[] = {"emails", "phones", "addresses", "external_ids", "tags"};
constexpr const char* kSingleFields[] = {"given_name", "family_name",   "display_name",
                                         "birth_date", "language_code", "region_code"};
constexpr absl::string_view kAttributesPrefix = "attributes.";

const FieldDescriptor* Field(absl::string_view name) {
  return v1::Profile::descriptor()->FindFieldByName(std::string(name));
}

const Reflection& Refl() { return *v1::Profile::default_instance().GetReflection(); }

std::string IdOf(const v1::Profile& profile) {
  absl::string_view name = profile.name();
  absl::ConsumePrefix(&name, "profiles/");
  return std::string(name);
}

// HasValue tells whether the single-valued `field` of `profile` is set.
bool HasValue(const v1::Profile& profile, const FieldDescriptor* field) {
  if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
    return Refl().HasField(profile, field);
  }
  return !Refl().GetString(profile, field).empty();
}

// Fragment returns a profile holding only `field` of `from` (a single field).
v1::Profile SingleFragment(const v1::Profile& from, const FieldDescriptor* field) {
  v1::Profile fragment;
  if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
    Refl().MutableMessage(&fragment, field)->CopyFrom(Refl().GetMessage(from, field));
  } else {
    Refl().SetString(&fragment, field, Refl().GetString(from, field));
  }
  return fragment;
}

void CopySingle(const v1::Profile& from, const FieldDescriptor* field, v1::Profile* to) {
  if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
    if (Refl().HasField(from, field)) {
      Refl().MutableMessage(to, field)->CopyFrom(Refl().GetMessage(from, field));
    } else {
      Refl().ClearField(to, field);
    }
  } else {
    Refl().SetString(to, field, Refl().GetString(from, field));
  }
}

// AppendElement appends element `index` of repeated `field` of `from` to
// `to`, returning a fragment holding just the appended element as it landed.
v1::Profile AppendElement(const v1::Profile& from, const FieldDescriptor* field, int index,
                          v1::Profile* to) {
  v1::Profile fragment;
  if (field->cpp_type() == FieldDescriptor::CPPTYPE_STRING) {
    std::string value = Refl().GetRepeatedString(from, field, index);
    Refl().AddString(to, field, value);
    Refl().AddString(&fragment, field, value);
    return fragment;
  }
  google::protobuf::Message* added = Refl().AddMessage(to, field);
  added->CopyFrom(Refl().GetRepeatedMessage(from, field, index));
  // At most one primary email and one primary phone: the survivor's wins.
  const FieldDescriptor* primary = added->GetDescriptor()->FindFieldByName("primary");
  if (primary != nullptr && added->GetReflection()->GetBool(*added, primary)) {
    for (int i = 0; i + 1 < Refl().FieldSize(*to, field); ++i) {
      const google::protobuf::Message& other = Refl().GetRepeatedMessage(*to, field, i);
      if (other.GetReflection()->GetBool(other, primary)) {
        added->GetReflection()->SetBool(added, primary, false);
        break;
      }
    }
  }
  Refl().AddMessage(&fragment, field)->CopyFrom(*added);
  return fragment;
}

// FindByKey returns the index of the element of repeated `field` of
// `profile` whose merge key is `key`, or -1.
int FindByKey(const v1::Profile& profile, const FieldDescriptor* field, absl::string_view key) {
  for (int i = 0; i < Refl().FieldSize(profile, field); ++i) {
    if (MergeKeyOf(profile, field->name(), i) == key) return i;
  }
  return -1;
}

// RemoveElement removes element `index` of repeated `field`, keeping the
// order of the others.
void RemoveElement(v1::Profile* profile, const FieldDescriptor* field, int index) {
  int size = Refl().FieldSize(*profile, field);
  for (int i = index; i + 1 < size; ++i) Refl().SwapElements(profile, field, i, i + 1);
  Refl().RemoveLast(profile, field);
}

// ChosenProfile returns the profile a choice for `field` names, or null.
const v1::Profile* ChosenProfile(absl::string_view field, const std::vector<FieldChoice>& choices,
                                 const v1::Profile& survivor,
                                 const std::vector<v1::Profile>& merged) {
  for (const FieldChoice& choice : choices) {
    if (choice.field != field) continue;
    if (choice.profile_id == IdOf(survivor)) return &survivor;
    for (const v1::Profile& profile : merged) {
      if (choice.profile_id == IdOf(profile)) return &profile;
    }
  }
  return nullptr;
}

absl::Status CheckChoices(const std::vector<FieldChoice>& choices, const v1::Profile& survivor,
                          const std::vector<v1::Profile>& merged) {
  FieldViolations violations;
  std::set<std::string> seen;
  for (size_t i = 0; i < choices.size(); ++i) {
    const FieldChoice& choice = choices[i];
    std::string path = absl::StrCat("field_choices[", i, "]");
    bool known = absl::StartsWith(choice.field, kAttributesPrefix) &&
                 choice.field.size() > kAttributesPrefix.size();
    for (const char* single : kSingleFields) known = known || choice.field == single;
    if (!known) {
      violations.Add(absl::StrCat(path, ".field"),
                     "must be a single-valued field (given_name, family_name, display_name, "
                     "birth_date, language_code, region_code) or attributes.<key>");
    } else if (!seen.insert(choice.field).second) {
      violations.Add(absl::StrCat(path, ".field"), "is chosen twice");
    }
    bool involved = choice.profile_id == IdOf(survivor);
    for (const v1::Profile& profile : merged) {
      involved = involved || choice.profile_id == IdOf(profile);
    }
    if (!involved) {
      violations.Add(absl::StrCat(path, ".profile"), "must name a profile of this merge");
    }
  }
  return violations.ToStatus();
}

}  // namespace

std::string MergeKeyOf(const v1::Profile& profile, absl::string_view field, int index) {
  if (field == "emails") return EmailAddressKey(profile.emails(index).address());
  if (field == "phones") return profile.phones(index).number();
  if (field == "tags") return profile.tags(index);
  if (field == "external_ids") {
    const v1::ExternalId& id = profile.external_ids(index);
    return absl::StrCat(id.system(), "\x1f", id.id());
  }
  const v1::Address& address = profile.addresses(index);
  std::vector<std::string> parts;
  for (const std::string& line : address.address_lines()) parts.push_back(FoldCaseAndSpace(line));
  parts.push_back(FoldCaseAndSpace(address.postal_code()));
  parts.push_back(FoldCaseAndSpace(address.locality()));
  parts.push_back(absl::AsciiStrToUpper(address.region_code()));
  return absl::StrJoin(parts, "\x1f");
}

absl::StatusOr<MergePlan> PlanMerge(const v1::Profile& survivor,
                                    const std::vector<v1::Profile>& merged,
                                    const std::vector<FieldChoice>& choices) {
  if (absl::Status s = CheckChoices(choices, survivor, merged); !s.ok()) return s;
  MergePlan plan;
  plan.survivor = survivor;
  for (const char* name : kRepeatedFields) {
    const FieldDescriptor* field = Field(name);
    for (const v1::Profile& profile : merged) {
      for (int i = 0; i < Refl().FieldSize(profile, field); ++i) {
        std::string key = MergeKeyOf(profile, name, i);
        if (FindByKey(plan.survivor, field, key) >= 0) continue;
        v1::Profile landed = AppendElement(profile, field, i, &plan.survivor);
        plan.moved.push_back({name, std::move(key), IdOf(profile), std::move(landed)});
      }
    }
  }
  for (const char* name : kSingleFields) {
    const FieldDescriptor* field = Field(name);
    const v1::Profile* source = ChosenProfile(name, choices, survivor, merged);
    if (source == nullptr && !HasValue(survivor, field)) {
      for (const v1::Profile& profile : merged) {
        if (HasValue(profile, field)) {
          source = &profile;
          break;
        }
      }
    }
    if (source == nullptr || source == &survivor || !HasValue(*source, field)) continue;
    CopySingle(*source, field, &plan.survivor);
    plan.moved.push_back({name, "", IdOf(*source), SingleFragment(*source, field)});
  }
  // Attribute keys, in key order for a deterministic result.
  std::set<std::string> keys;
  for (const v1::Profile& profile : merged) {
    for (const auto& [key, value] : profile.attributes()) keys.insert(key);
  }
  for (const std::string& key : keys) {
    const v1::Profile* source =
        ChosenProfile(absl::StrCat(kAttributesPrefix, key), choices, survivor, merged);
    if (source == nullptr && !survivor.attributes().contains(key)) {
      for (const v1::Profile& profile : merged) {
        if (profile.attributes().contains(key)) {
          source = &profile;
          break;
        }
      }
    }
    if (source == nullptr || source == &survivor || !source->attributes().contains(key)) continue;
    const v1::AttributeValue& value = source->attributes().at(key);
    (*plan.survivor.mutable_attributes())[key] = value;
    v1::Profile landed;
    (*landed.mutable_attributes())[key] = value;
    plan.moved.push_back({"attributes", key, IdOf(*source), std::move(landed)});
  }
  return plan;
}

UnmergePlan PlanUnmerge(const v1::Profile& current, const v1::Profile& before,
                        const std::vector<MovedValue>& moved) {
  UnmergePlan plan;
  plan.survivor = current;
  for (const MovedValue& value : moved) {
    if (value.field == "attributes") {
      auto it = plan.survivor.attributes().find(value.key);
      if (it == plan.survivor.attributes().end()) continue;
      if (!MessageDifferencer::Equals(it->second, value.value.attributes().at(value.key))) {
        MovedValue kept = value;
        (*kept.value.mutable_attributes())[value.key] = it->second;
        plan.kept.push_back(std::move(kept));
        continue;
      }
      auto original = before.attributes().find(value.key);
      if (original == before.attributes().end()) {
        plan.survivor.mutable_attributes()->erase(value.key);
      } else {
        (*plan.survivor.mutable_attributes())[value.key] = original->second;
      }
      continue;
    }
    const FieldDescriptor* field = Field(value.field);
    if (field == nullptr) continue;
    if (!field->is_repeated()) {
      v1::Profile now = SingleFragment(plan.survivor, field);
      if (!MessageDifferencer::Equals(now, value.value)) {
        MovedValue kept = value;
        kept.value = std::move(now);
        plan.kept.push_back(std::move(kept));
        continue;
      }
      CopySingle(before, field, &plan.survivor);
      continue;
    }
    int index = FindByKey(plan.survivor, field, value.key);
    if (index < 0) continue;
    v1::Profile now;
    if (field->cpp_type() == FieldDescriptor::CPPTYPE_STRING) {
      Refl().AddString(&now, field, Refl().GetRepeatedString(plan.survivor, field, index));
    } else {
      Refl()
          .AddMessage(&now, field)
          ->CopyFrom(Refl().GetRepeatedMessage(plan.survivor, field, index));
    }
    if (!MessageDifferencer::Equals(now, value.value)) {
      MovedValue kept = value;
      kept.value = std::move(now);
      plan.kept.push_back(std::move(kept));
      continue;
    }
    RemoveElement(&plan.survivor, field, index);
  }
  return plan;
}

}  // namespace cp::domain

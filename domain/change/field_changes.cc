#include "domain/change/field_changes.h"

#include <memory>
#include <string>

#include "absl/algorithm/container.h"
#include "absl/container/flat_hash_map.h"
#include "absl/functional/function_ref.h"
#include "absl/synchronization/mutex.h"
#include "customerprofile/v1/annotations.pb.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/message_differencer.h"

namespace cp::domain {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

bool HoldsPii(const FieldDescriptor* field, std::vector<const Descriptor*>* visiting) {
  if (field->options().GetExtension(customerprofile::v1::pii)) return true;
  if (field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) return false;
  const Descriptor* type = field->message_type();
  if (absl::c_linear_search(*visiting, type)) return false;
  visiting->push_back(type);
  bool found = false;
  for (int i = 0; i < type->field_count() && !found; ++i) {
    found = HoldsPii(type->field(i), visiting);
  }
  visiting->pop_back();
  return found;
}

// FieldValue is the JSON value of the only field set in `single` (null when
// it is unset).
google::protobuf::Value FieldValue(const Message& single, const FieldDescriptor* field) {
  google::protobuf::Value null_value;
  null_value.set_null_value(google::protobuf::NULL_VALUE);
  const google::protobuf::Reflection* reflection = single.GetReflection();
  const bool set = field->is_repeated() ? reflection->FieldSize(single, field) > 0
                                        : reflection->HasField(single, field);
  if (!set) return null_value;
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  std::string json;
  if (!google::protobuf::util::MessageToJsonString(single, &json, options).ok()) return null_value;
  google::protobuf::Struct object;
  if (!google::protobuf::util::JsonStringToMessage(json, &object).ok()) return null_value;
  auto it = object.fields().find(field->name());
  return it == object.fields().end() ? null_value : it->second;
}

}  // namespace

bool FieldHoldsPii(const FieldDescriptor* field) {
  // The answer per field never changes: computed once.
  static absl::Mutex mu(absl::kConstInit);
  static auto* known = new absl::flat_hash_map<const FieldDescriptor*, bool>();
  absl::MutexLock lock(&mu);
  auto it = known->find(field);
  if (it != known->end()) return it->second;
  std::vector<const Descriptor*> visiting;
  bool pii = HoldsPii(field, &visiting);
  known->emplace(field, pii);
  return pii;
}

namespace {

// ForEachDifference calls `differs(field, old_alone, new_alone)` for each
// field not in `ignored` whose value differs, each value moved out of a copy
// into an otherwise empty message, so that it compares and prints alone.
void ForEachDifference(
    const Message* before, const Message* after, absl::Span<const absl::string_view> ignored,
    absl::FunctionRef<void(const FieldDescriptor*, const Message&, const Message&)> differs) {
  const Message* sample = before != nullptr ? before : after;
  if (sample == nullptr) return;
  std::unique_ptr<Message> old_rest(sample->New());
  std::unique_ptr<Message> new_rest(sample->New());
  if (before != nullptr) old_rest->CopyFrom(*before);
  if (after != nullptr) new_rest->CopyFrom(*after);
  const Descriptor* type = sample->GetDescriptor();
  const google::protobuf::Reflection* reflection = sample->GetReflection();
  for (int i = 0; i < type->field_count(); ++i) {
    const FieldDescriptor* field = type->field(i);
    if (absl::c_linear_search(ignored, field->name())) continue;
    std::unique_ptr<Message> old_value(sample->New());
    std::unique_ptr<Message> new_value(sample->New());
    reflection->SwapFields(old_rest.get(), old_value.get(), {field});
    reflection->SwapFields(new_rest.get(), new_value.get(), {field});
    if (google::protobuf::util::MessageDifferencer::Equals(*old_value, *new_value)) continue;
    differs(field, *old_value, *new_value);
  }
}

}  // namespace

std::vector<customerprofile::v1::FieldChange> FieldChanges(
    const Message* before, const Message* after, absl::Span<const absl::string_view> ignored) {
  std::vector<customerprofile::v1::FieldChange> changes;
  ForEachDifference(
      before, after, ignored,
      [&](const FieldDescriptor* field, const Message& old_value, const Message& new_value) {
        customerprofile::v1::FieldChange& change = changes.emplace_back();
        change.set_field_path(field->name());
        change.set_pii(FieldHoldsPii(field));
        *change.mutable_old_value() = FieldValue(old_value, field);
        *change.mutable_new_value() = FieldValue(new_value, field);
      });
  return changes;
}

std::vector<std::string> ChangedFields(const Message* before, const Message* after,
                                       absl::Span<const absl::string_view> ignored,
                                       Message* old_image, Message* new_image) {
  std::vector<std::string> paths;
  ForEachDifference(
      before, after, ignored,
      [&](const FieldDescriptor* field, const Message& old_value, const Message& new_value) {
        paths.push_back(field->name());
        if (old_image != nullptr) old_image->MergeFrom(old_value);
        if (new_image != nullptr) new_image->MergeFrom(new_value);
      });
  return paths;
}

}  // namespace cp::domain

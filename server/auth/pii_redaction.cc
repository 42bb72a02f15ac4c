#include "server/auth/pii_redaction.h"

#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/synchronization/mutex.h"
#include "customerprofile/v1/annotations.pb.h"
#include "server/auth/method_policy.h"

namespace cp::server::auth {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

// Nested returns the message type `field` holds, or null for scalars.
const Descriptor* Nested(const FieldDescriptor& field) {
  return field.cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE ? field.message_type() : nullptr;
}

// Search answers MayCarryPii for `type` without caching; `visiting` breaks
// cycles of recursive message types (a type being visited adds nothing new).
bool Search(const Descriptor& type, absl::flat_hash_set<const Descriptor*>* visiting) {
  if (!visiting->insert(&type).second) return false;
  for (int i = 0; i < type.field_count(); ++i) {
    const FieldDescriptor& field = *type.field(i);
    if (IsPiiField(field)) return true;
    const Descriptor* nested = Nested(field);
    if (nested != nullptr && Search(*nested, visiting)) return true;
  }
  return false;
}

// PiiTypes caches MayCarryPii per message type: descriptors live as long as
// the process, so their addresses are stable keys.
class PiiTypes {
 public:
  bool MayCarryPii(const Descriptor& type) {
    {
      absl::ReaderMutexLock lock(&mu_);
      auto it = known_.find(&type);
      if (it != known_.end()) return it->second;
    }
    absl::flat_hash_set<const Descriptor*> visiting;
    bool result = Search(type, &visiting);
    absl::MutexLock lock(&mu_);
    known_.emplace(&type, result);
    return result;
  }

 private:
  absl::Mutex mu_;
  absl::flat_hash_map<const Descriptor*, bool> known_ ABSL_GUARDED_BY(mu_);
};

PiiTypes& Types() {
  static PiiTypes* const types = new PiiTypes();
  return *types;
}

}  // namespace

bool IsPiiField(const FieldDescriptor& field) {
  return field.options().GetExtension(customerprofile::v1::pii);
}

bool MayCarryPii(const Descriptor& type) { return Types().MayCarryPii(type); }

void ClearPii(Message* message) {
  const Reflection& reflection = *message->GetReflection();
  std::vector<const FieldDescriptor*> fields;
  reflection.ListFields(*message, &fields);
  for (const FieldDescriptor* field : fields) {
    if (IsPiiField(*field)) {
      reflection.ClearField(message, field);
      continue;
    }
    const Descriptor* nested = Nested(*field);
    if (nested == nullptr || !MayCarryPii(*nested)) continue;
    if (field->is_repeated()) {
      // Map values too: a map field is a repeated field of entry messages.
      for (int i = 0, n = reflection.FieldSize(*message, field); i < n; ++i) {
        ClearPii(reflection.MutableRepeatedMessage(message, field, i));
      }
    } else {
      ClearPii(reflection.MutableMessage(message, field));
    }
  }
}

void RedactForCaller(const domain::CallContext& context, Message* message) {
  if (context.HasScope(kPiiRead) || !MayCarryPii(*message->GetDescriptor())) return;
  ClearPii(message);
}

}  // namespace cp::server::auth

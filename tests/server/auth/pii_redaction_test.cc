#include "server/auth/pii_redaction.h"

#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "customerprofile/v1/audit_service.grpc.pb.h"
#include "customerprofile/v1/change_service.grpc.pb.h"
#include "customerprofile/v1/consent_service.grpc.pb.h"
#include "customerprofile/v1/interaction_service.grpc.pb.h"
#include "customerprofile/v1/profile_service.grpc.pb.h"
#include "customerprofile/v1/suppression_service.grpc.pb.h"
#include "domain/common/call_context.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "server/auth/method_policy.h"

namespace cp::server::auth {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

// How deep Populate fills nested messages; deep enough for every response
// (ListConsentsResponse -> Consent -> ConsentEvent -> ConsentEvidence).
constexpr int kMaxDepth = 5;

// ApiFiles returns the descriptor of every .proto under
// protos/customerprofile/v1/ (read from the source tree, so a new file is
// covered without naming it here). Naming one message per service file keeps
// the generated code linked into this test.
std::vector<const google::protobuf::FileDescriptor*> ApiFiles() {
  customerprofile::v1::GetProfileRequest::descriptor();
  customerprofile::v1::RecordConsentRequest::descriptor();
  customerprofile::v1::ImportSuppressionEntriesRequest::descriptor();
  customerprofile::v1::RecordInteractionRequest::descriptor();
  customerprofile::v1::Interaction::descriptor();
  customerprofile::v1::WatchChangesRequest::descriptor();
  customerprofile::v1::Change::descriptor();
  customerprofile::v1::ListAuditEventsRequest::descriptor();
  customerprofile::v1::AuditEvent::descriptor();
  std::vector<const google::protobuf::FileDescriptor*> files;
  for (const auto& entry : std::filesystem::directory_iterator(std::string(CP_SOURCE_DIR) +
                                                               "/protos/customerprofile/v1")) {
    if (entry.path().extension() != ".proto") continue;
    std::string name = "customerprofile/v1/" + entry.path().filename().string();
    const google::protobuf::FileDescriptor* file =
        google::protobuf::DescriptorPool::generated_pool()->FindFileByName(name);
    EXPECT_NE(file, nullptr) << name << " is not linked into this test; name one of its messages";
    if (file != nullptr) files.push_back(file);
  }
  return files;
}

// ResponseTypes returns the output type of every method of every service.
std::vector<const Descriptor*> ResponseTypes() {
  std::vector<const Descriptor*> types;
  for (const auto* file : ApiFiles()) {
    for (int s = 0; s < file->service_count(); ++s) {
      for (int m = 0; m < file->service(s)->method_count(); ++m) {
        types.push_back(file->service(s)->method(m)->output_type());
      }
    }
  }
  return types;
}

void SetScalar(Message* message, const FieldDescriptor* field) {
  const Reflection& r = *message->GetReflection();
  bool repeated = field->is_repeated();
  switch (field->cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING:
      repeated ? r.AddString(message, field, "ada@example.org")
               : r.SetString(message, field, "ada@example.org");
      break;
    case FieldDescriptor::CPPTYPE_INT32:
      repeated ? r.AddInt32(message, field, 7) : r.SetInt32(message, field, 7);
      break;
    case FieldDescriptor::CPPTYPE_INT64:
      repeated ? r.AddInt64(message, field, 7) : r.SetInt64(message, field, 7);
      break;
    case FieldDescriptor::CPPTYPE_UINT32:
      repeated ? r.AddUInt32(message, field, 7) : r.SetUInt32(message, field, 7);
      break;
    case FieldDescriptor::CPPTYPE_UINT64:
      repeated ? r.AddUInt64(message, field, 7) : r.SetUInt64(message, field, 7);
      break;
    case FieldDescriptor::CPPTYPE_DOUBLE:
      repeated ? r.AddDouble(message, field, 7) : r.SetDouble(message, field, 7);
      break;
    case FieldDescriptor::CPPTYPE_FLOAT:
      repeated ? r.AddFloat(message, field, 7) : r.SetFloat(message, field, 7);
      break;
    case FieldDescriptor::CPPTYPE_BOOL:
      repeated ? r.AddBool(message, field, true) : r.SetBool(message, field, true);
      break;
    case FieldDescriptor::CPPTYPE_ENUM: {
      const auto* value = field->enum_type()->value(field->enum_type()->value_count() - 1);
      repeated ? r.AddEnum(message, field, value) : r.SetEnum(message, field, value);
      break;
    }
    case FieldDescriptor::CPPTYPE_MESSAGE:
      break;
  }
}

// Populate sets every field of `message` (two elements of each repeated
// field, one of each map, and for a oneof its PII member if it has one),
// nested messages too, down to kMaxDepth.
void Populate(Message* message, int depth) {
  const Descriptor& type = *message->GetDescriptor();
  const Reflection& r = *message->GetReflection();
  for (int i = 0; i < type.field_count(); ++i) {
    const FieldDescriptor* field = type.field(i);
    if (const auto* oneof = field->real_containing_oneof()) {
      const FieldDescriptor* chosen = oneof->field(0);
      for (int j = 0; j < oneof->field_count(); ++j) {
        if (IsPiiField(*oneof->field(j))) chosen = oneof->field(j);
      }
      if (field != chosen) continue;
    }
    int count = field->is_map() ? 1 : field->is_repeated() ? 2 : 1;
    for (int n = 0; n < count; ++n) {
      if (field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) {
        SetScalar(message, field);
      } else if (depth < kMaxDepth) {
        Populate(
            field->is_repeated() ? r.AddMessage(message, field) : r.MutableMessage(message, field),
            depth + 1);
      }
    }
  }
}

// PiiPaths lists the path of every marked field set anywhere in `message`.
void PiiPaths(const Message& message, const std::string& prefix, std::vector<std::string>* out) {
  const Reflection& r = *message.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  r.ListFields(message, &fields);
  for (const FieldDescriptor* field : fields) {
    std::string path = absl::StrCat(prefix, ".", field->name());
    if (IsPiiField(*field)) out->push_back(path);
    if (field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) continue;
    if (field->is_repeated()) {
      for (int i = 0; i < r.FieldSize(message, field); ++i) {
        PiiPaths(r.GetRepeatedMessage(message, field, i), absl::StrCat(path, "[", i, "]"), out);
      }
    } else {
      PiiPaths(r.GetMessage(message, field), path, out);
    }
  }
}

domain::CallContext Caller(std::vector<std::string> scopes) {
  domain::CallContext context;
  context.caller = domain::CallerKind::kApp;
  context.scopes.insert(scopes.begin(), scopes.end());
  return context;
}

// Verifies, for the response type of every method of every service in
// protos/customerprofile/v1/, filled in completely, that a caller without
// pii.read receives no field marked as PII at any depth (nested, repeated
// and map values), and that a caller with pii.read receives all of it.
TEST(PiiRedactionTest, NoResponseCarriesPiiToACallerWithoutPiiRead) {
  std::vector<const Descriptor*> types = ResponseTypes();
  ASSERT_GE(types.size(), 25u);
  int carrying = 0;
  for (const Descriptor* type : types) {
    // Generated types, so that the redaction sees what the server sends.
    const Message* generated =
        google::protobuf::MessageFactory::generated_factory()->GetPrototype(type);
    ASSERT_NE(generated, nullptr) << type->full_name();
    std::unique_ptr<Message> response(generated->New());
    Populate(response.get(), 0);
    std::vector<std::string> before;
    PiiPaths(*response, type->name(), &before);
    EXPECT_EQ(!before.empty(), MayCarryPii(*type)) << type->full_name();
    if (!before.empty()) ++carrying;

    std::unique_ptr<Message> kept(response->New());
    kept->CopyFrom(*response);
    RedactForCaller(Caller({std::string(kPiiRead), std::string(kProfilesRead)}), kept.get());
    EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(*kept, *response))
        << type->full_name() << ": pii.read must see everything";

    RedactForCaller(Caller({std::string(kProfilesRead), std::string(kConsentsRead),
                            std::string(kSuppressionsAdmin)}),
                    response.get());
    std::vector<std::string> after;
    PiiPaths(*response, type->name(), &after);
    EXPECT_TRUE(after.empty()) << type->full_name() << " still carries " << after.front();
  }
  // Profiles, consents, consent events, checks and register entries.
  EXPECT_GE(carrying, 15);
}

// Verifies that the fields that hold contact data are marked, so that
// removing a mark (and with it the redaction) fails here.
TEST(PiiRedactionTest, ContactDataFieldsAreMarked) {
  const auto* pool = google::protobuf::DescriptorPool::generated_pool();
  customerprofile::v1::CheckSuppressionResponse::descriptor();
  for (const char* name : {
           "customerprofile.v1.Profile.emails",
           "customerprofile.v1.Profile.phones",
           "customerprofile.v1.Profile.addresses",
           "customerprofile.v1.Profile.birth_date",
           "customerprofile.v1.Email.address",
           "customerprofile.v1.Phone.number",
           "customerprofile.v1.ConsentEvent.contact_point",
           "customerprofile.v1.Consent.contact_point",
           "customerprofile.v1.ConsentEvidence.ip_address",
           "customerprofile.v1.ConsentCheck.suppression_entry",
           "customerprofile.v1.SuppressionEntry.identifier",
           "customerprofile.v1.CheckSuppressionResponse.identifier",
           "customerprofile.v1.RemoveSuppressionEntryResponse.identifier",
       }) {
    const FieldDescriptor* field = pool->FindFieldByName(name);
    ASSERT_NE(field, nullptr) << name;
    EXPECT_TRUE(IsPiiField(*field)) << name;
  }
  EXPECT_FALSE(IsPiiField(*pool->FindFieldByName("customerprofile.v1.Profile.given_name")));
}

}  // namespace
}  // namespace cp::server::auth

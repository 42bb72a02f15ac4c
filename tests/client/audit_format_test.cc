#include "client/audit_format.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cp::client {
namespace {

namespace v1 = ::customerprofile::v1;
using ::testing::HasSubstr;
using ::testing::Not;

// Verifies that an event reads as who did what, with old -> new values and
// hidden personal data said to be hidden.
TEST(AuditFormatTest, NamesWhoWhatAndValues) {
  v1::AuditEvent event;
  event.set_resource_name("profiles/ada");
  event.set_kind(v1::CHANGE_KIND_UPDATED);
  event.mutable_time()->set_seconds(1'800'000'000);
  event.set_app_id("callcenter");
  event.set_actor("agent-7");
  event.set_caller_kind(v1::AUDIT_CALLER_KIND_APP);
  event.set_method("/customerprofile.v1.ProfileService/UpdateProfile");
  event.set_request_id("req-2");
  v1::FieldChange* name = event.add_field_changes();
  name->set_field_path("display_name");
  name->mutable_old_value()->set_string_value("Ada");
  name->mutable_new_value()->set_string_value("Ada L.");
  v1::FieldChange* emails = event.add_field_changes();
  emails->set_field_path("emails");
  emails->set_pii(true);
  emails->set_values_hidden(true);
  const std::string text = AuditText(event);
  EXPECT_THAT(text,
              HasSubstr("2027-01-15T08:00:00Z UPDATED profiles/ada by callcenter for agent-7"));
  EXPECT_THAT(text, HasSubstr("(UpdateProfile, request req-2)"));
  EXPECT_THAT(text, HasSubstr("display_name: \"Ada\" -> \"Ada L.\""));
  EXPECT_THAT(text, HasSubstr("emails: (personal data: values hidden)"));
}

// Verifies that a read, a self-service caller and unset values read right.
TEST(AuditFormatTest, ReadsSelfServiceAndUnsetValues) {
  v1::AuditEvent event;
  event.set_resource_name("profiles/ada");
  event.set_read(true);
  event.set_caller_kind(v1::AUDIT_CALLER_KIND_SELF_SERVICE);
  v1::FieldChange* change = event.add_field_changes();
  change->set_field_path("tags");
  change->mutable_new_value()->set_string_value("vip");
  const std::string text = AuditText(event);
  EXPECT_THAT(text, HasSubstr("READ profiles/ada by the customer (self-service)"));
  EXPECT_THAT(text, HasSubstr("tags: (unset) -> \"vip\""));
  EXPECT_THAT(text, Not(HasSubstr("request")));
}

}  // namespace
}  // namespace cp::client

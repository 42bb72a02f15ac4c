// Verifies cp::client::SuppressionClient against a real server over a real
// socket: a list, an entry added twice (the second changes nothing), the
// check, and the entry removed.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "client/suppression_client.h"
#include "client/suppression_stub_connection.h"
#include "tests/support/test_server.h"

namespace cp::testing {
namespace {

namespace v1 = ::customerprofile::v1;

TEST(SuppressionClientOverTheWireTest, AddsChecksAndRemoves) {
  auto server = TestServer::StartWithSqlite();
  ASSERT_TRUE(server.ok()) << server.status();
  client::Options options;
  options.endpoint = (*server)->address();
  client::SuppressionClient registers(client::MakeSuppressionConnection(options));

  v1::CreateSuppressionListRequest create;
  create.set_suppression_list_id("reservasjon");
  create.mutable_suppression_list()->set_display_name("Reservasjonsregisteret");
  create.mutable_suppression_list()->set_identifier_kind(v1::IDENTIFIER_KIND_PHONE_NUMBER);
  create.mutable_suppression_list()->add_channels(v1::CHANNEL_PHONE_CALL);
  auto list = registers.CreateSuppressionList(create);
  ASSERT_TRUE(list.ok()) << list.status();
  EXPECT_EQ(list->name(), "suppressionLists/reservasjon");

  v1::AddSuppressionEntryRequest add;
  add.set_suppression_list("suppressionLists/reservasjon");
  add.set_identifier("+4791234567");
  ASSERT_TRUE(registers.AddSuppressionEntry(add).ok());
  ASSERT_TRUE(registers.AddSuppressionEntry(add).ok()) << "adding it again changes nothing";

  auto checked = registers.CheckSuppression("+4791234567");
  ASSERT_TRUE(checked.ok()) << checked.status();
  EXPECT_TRUE(checked->suppressed());
  EXPECT_THAT(checked->suppression_lists(), ::testing::ElementsAre("suppressionLists/reservasjon"));

  v1::RemoveSuppressionEntryRequest remove;
  remove.set_suppression_list("suppressionLists/reservasjon");
  remove.set_identifier("+4791234567");
  ASSERT_TRUE(registers.RemoveSuppressionEntry(remove).ok());
  checked = registers.CheckSuppression("+4791234567");
  ASSERT_TRUE(checked.ok()) << checked.status();
  EXPECT_FALSE(checked->suppressed());
  EXPECT_EQ(registers.GetSuppressionList("suppressionLists/nope").status().code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace cp::testing

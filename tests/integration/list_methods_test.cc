#include <grpcpp/grpcpp.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "customerprofile/v1/consent_service.grpc.pb.h"
#include "customerprofile/v1/profile_service.grpc.pb.h"
#include "customerprofile/v1/suppression_service.grpc.pb.h"
#include "domain/common/page_token.h"
#include "domain/common/proto_time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/rpc_status.h"
#include "tests/support/test_server.h"

namespace cp::testing {
namespace {

namespace v1 = ::customerprofile::v1;
using ::testing::ElementsAre;

constexpr char kGarbageToken[] = "not-a-token";

// ListMethodsTest runs every paged List method of the three services on a
// SQLite server whose every aggregate pages by 2 (at most 3), with three
// profiles, purposes, notice versions, consent events and suppression
// lists to page through.
class ListMethodsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    TestServerOptions options;
    const domain::PagingOptions paging{.default_page_size = 2, .max_page_size = 3};
    options.runner.profile.paging = paging;
    options.runner.consent.purposes.paging = paging;
    options.runner.consent.ledger.paging = paging;
    options.runner.suppression.manager.paging = paging;
    absl::StatusOr<std::unique_ptr<TestServer>> server = TestServer::StartWithSqlite(options);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    profiles_ = server_->NewStub();
    consents_ = v1::ConsentService::NewStub(server_->NewChannel());
    suppressions_ = v1::SuppressionService::NewStub(server_->NewChannel());
    for (const std::string id : {"p1", "p2", "p3", "p4"}) {
      v1::CreateProfileRequest request;
      request.set_profile_id(id);
      request.mutable_profile()->set_given_name("Kari");
      request.mutable_profile()->add_emails()->set_address(id + "@example.com");
      v1::Profile profile;
      MustSucceed(profiles_->CreateProfile(Context().get(), request, &profile));
    }
    for (const std::string id : {"a", "b", "c", "d"}) {
      v1::CreatePurposeRequest request;
      request.set_purpose_id(id);
      request.mutable_purpose()->set_display_name("Purpose " + id);
      request.mutable_purpose()->set_legal_basis(v1::LEGAL_BASIS_CONSENT);
      request.mutable_purpose()->add_channels(v1::CHANNEL_EMAIL);
      request.mutable_purpose()->set_notice_text("Notice 1");
      v1::Purpose purpose;
      MustSucceed(consents_->CreatePurpose(Context().get(), request, &purpose));
    }
    for (const std::string text : {"Notice 2", "Notice 3", "Notice 4"}) {
      v1::UpdatePurposeRequest request;
      request.mutable_purpose()->set_name("purposes/a");
      request.mutable_purpose()->set_notice_text(text);
      request.mutable_update_mask()->add_paths("notice_text");
      v1::Purpose purpose;
      MustSucceed(consents_->UpdatePurpose(Context().get(), request, &purpose));
    }
    for (int i = 1; i <= 4; ++i) {
      v1::RecordConsentRequest request;
      request.set_parent("profiles/p1");
      v1::ConsentEvent* event = request.mutable_consent_event();
      event->set_purpose("purposes/a");
      event->set_channel(v1::CHANNEL_EMAIL);
      event->set_decision(i % 2 == 0 ? v1::CONSENT_DECISION_GRANTED : v1::CONSENT_DECISION_DENIED);
      *event->mutable_occur_time() = domain::ToProtoTime(absl::Now() - absl::Minutes(10 - i));
      event->mutable_evidence()->set_method(v1::EVIDENCE_METHOD_WEB_FORM);
      v1::RecordConsentResponse response;
      MustSucceed(consents_->RecordConsent(Context().get(), request, &response));
    }
    for (const std::string id : {"l1", "l2", "l3", "l4"}) {
      v1::CreateSuppressionListRequest request;
      request.set_suppression_list_id(id);
      request.mutable_suppression_list()->set_display_name("Register " + id);
      request.mutable_suppression_list()->set_identifier_kind(v1::IDENTIFIER_KIND_EMAIL_ADDRESS);
      request.mutable_suppression_list()->add_channels(v1::CHANNEL_EMAIL);
      v1::SuppressionList list;
      MustSucceed(suppressions_->CreateSuppressionList(Context().get(), request, &list));
    }
  }

  // MustSucceed fails the test unless `status` is OK.
  static void MustSucceed(const grpc::Status& status) {
    ASSERT_TRUE(status.ok()) << status.error_code() << " " << status.error_message();
  }

  static std::unique_ptr<grpc::ClientContext> Context() {
    auto context = std::make_unique<grpc::ClientContext>();
    context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
    return context;
  }

  grpc::Status ListProfiles(const v1::ListProfilesRequest& request,
                            v1::ListProfilesResponse* response = nullptr) {
    v1::ListProfilesResponse ignored;
    return profiles_->ListProfiles(Context().get(), request, response ? response : &ignored);
  }
  grpc::Status ListPurposes(const v1::ListPurposesRequest& request,
                            v1::ListPurposesResponse* response = nullptr) {
    v1::ListPurposesResponse ignored;
    return consents_->ListPurposes(Context().get(), request, response ? response : &ignored);
  }
  grpc::Status ListNoticeVersions(const v1::ListNoticeVersionsRequest& request,
                                  v1::ListNoticeVersionsResponse* response = nullptr) {
    v1::ListNoticeVersionsResponse ignored;
    return consents_->ListNoticeVersions(Context().get(), request, response ? response : &ignored);
  }
  grpc::Status ListConsentEvents(const v1::ListConsentEventsRequest& request,
                                 v1::ListConsentEventsResponse* response = nullptr) {
    v1::ListConsentEventsResponse ignored;
    return consents_->ListConsentEvents(Context().get(), request, response ? response : &ignored);
  }
  grpc::Status ListSuppressionLists(const v1::ListSuppressionListsRequest& request,
                                    v1::ListSuppressionListsResponse* response = nullptr) {
    v1::ListSuppressionListsResponse ignored;
    return suppressions_->ListSuppressionLists(Context().get(), request,
                                               response ? response : &ignored);
  }

  static v1::ListNoticeVersionsRequest Versions(const std::string& parent) {
    v1::ListNoticeVersionsRequest request;
    request.set_parent(parent);
    return request;
  }
  static v1::ListConsentEventsRequest Events(const std::string& parent) {
    v1::ListConsentEventsRequest request;
    request.set_parent(parent);
    return request;
  }

  // ExpectInvalid checks that `status` is INVALID_ARGUMENT with `reason`,
  // naming only `field`.
  static void ExpectInvalid(const grpc::Status& status, const std::string& reason,
                            const std::string& field) {
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status.error_message();
    EXPECT_EQ(ReasonOf(status), reason);
    EXPECT_THAT(BadRequestFields(status), ElementsAre(field));
  }

  std::unique_ptr<TestServer> server_;
  std::unique_ptr<v1::ProfileService::Stub> profiles_;
  std::unique_ptr<v1::ConsentService::Stub> consents_;
  std::unique_ptr<v1::SuppressionService::Stub> suppressions_;
};

// Verifies ListProfiles answers a bad filter, order_by or page_token with
// the reason docs/errors.md promises for it.
TEST_F(ListMethodsTest, ListProfilesReasons) {
  v1::ListProfilesRequest request;
  request.set_filter("no_such_field = \"x\"");
  ExpectInvalid(ListProfiles(request), "INVALID_FILTER", "filter");
  request.set_filter("display_name =");
  ExpectInvalid(ListProfiles(request), "INVALID_FILTER", "filter");

  request.Clear();
  request.set_order_by("given_name");
  ExpectInvalid(ListProfiles(request), "INVALID_ORDER_BY", "order_by");

  request.Clear();
  request.set_page_token(kGarbageToken);
  ExpectInvalid(ListProfiles(request), "INVALID_PAGE_TOKEN", "page_token");

  // A token whose cursor names no profile is malformed too.
  request.set_page_token(
      domain::EncodePageToken({.kind = "profiles"}, {int64_t{5}, std::string()}));
  ExpectInvalid(ListProfiles(request), "INVALID_PAGE_TOKEN", "page_token");
}

// Verifies a ListProfiles token is bound to its filter, order_by and
// show_deleted, and that the list pages by the configured sizes.
TEST_F(ListMethodsTest, ListProfilesTokensAndSizes) {
  v1::ListProfilesRequest request;
  request.set_filter("display_name != \"x\"");
  v1::ListProfilesResponse first;
  MustSucceed(ListProfiles(request, &first));
  EXPECT_EQ(first.profiles_size(), 2);
  ASSERT_FALSE(first.next_page_token().empty());

  v1::ListProfilesRequest next = request;
  next.set_page_token(first.next_page_token());
  v1::ListProfilesResponse second;
  MustSucceed(ListProfiles(next, &second));
  EXPECT_EQ(second.profiles_size(), 2);

  for (auto change : {+[](v1::ListProfilesRequest* r) { r->set_filter(""); },
                      +[](v1::ListProfilesRequest* r) { r->set_order_by("create_time desc"); },
                      +[](v1::ListProfilesRequest* r) { r->set_show_deleted(true); }}) {
    v1::ListProfilesRequest changed = next;
    change(&changed);
    ExpectInvalid(ListProfiles(changed), "INVALID_PAGE_TOKEN", "page_token");
  }

  request.set_page_size(10);
  MustSucceed(ListProfiles(request, &first));
  EXPECT_EQ(first.profiles_size(), 3);
  request.set_page_size(-1);
  ExpectInvalid(ListProfiles(request), "INVALID_ARGUMENT", "page_size");
}

// Verifies ListPurposes rejects a bad token, one of another List method and
// a negative page_size, and pages by the configured sizes.
TEST_F(ListMethodsTest, ListPurposes) {
  v1::ListPurposesRequest request;
  request.set_page_token(kGarbageToken);
  ExpectInvalid(ListPurposes(request), "INVALID_PAGE_TOKEN", "page_token");

  v1::ListSuppressionListsResponse lists;
  MustSucceed(ListSuppressionLists({}, &lists));
  request.set_page_token(lists.next_page_token());
  ExpectInvalid(ListPurposes(request), "INVALID_PAGE_TOKEN", "page_token");

  request.Clear();
  v1::ListPurposesResponse page;
  MustSucceed(ListPurposes(request, &page));
  EXPECT_EQ(page.purposes_size(), 2);
  request.set_page_token(page.next_page_token());
  MustSucceed(ListPurposes(request, &page));
  EXPECT_EQ(page.purposes_size(), 2);
  EXPECT_EQ(page.purposes(0).name(), "purposes/c");
  EXPECT_TRUE(page.next_page_token().empty());

  request.Clear();
  request.set_page_size(100);
  MustSucceed(ListPurposes(request, &page));
  EXPECT_EQ(page.purposes_size(), 3);
  request.set_page_size(-1);
  ExpectInvalid(ListPurposes(request), "INVALID_ARGUMENT", "page_size");
}

// Verifies ListNoticeVersions rejects a bad token and one issued for another
// purpose, and pages by the configured sizes.
TEST_F(ListMethodsTest, ListNoticeVersions) {
  v1::ListNoticeVersionsRequest request = Versions("purposes/a");
  request.set_page_token(kGarbageToken);
  ExpectInvalid(ListNoticeVersions(request), "INVALID_PAGE_TOKEN", "page_token");

  request = Versions("purposes/a");
  v1::ListNoticeVersionsResponse page;
  MustSucceed(ListNoticeVersions(request, &page));
  EXPECT_EQ(page.notice_versions_size(), 2);
  ASSERT_FALSE(page.next_page_token().empty());
  v1::ListNoticeVersionsRequest other = Versions("purposes/b");
  other.set_page_token(page.next_page_token());
  ExpectInvalid(ListNoticeVersions(other), "INVALID_PAGE_TOKEN", "page_token");

  request.set_page_token(page.next_page_token());
  MustSucceed(ListNoticeVersions(request, &page));
  EXPECT_EQ(page.notice_versions_size(), 2);
  EXPECT_TRUE(page.next_page_token().empty());

  request = Versions("purposes/a");
  request.set_page_size(100);
  MustSucceed(ListNoticeVersions(request, &page));
  EXPECT_EQ(page.notice_versions_size(), 3);
  request.set_page_size(-1);
  ExpectInvalid(ListNoticeVersions(request), "INVALID_ARGUMENT", "page_size");
}

// Verifies ListConsentEvents answers a bad filter with INVALID_FILTER and a
// bad token, or one from another filter or profile, with INVALID_PAGE_TOKEN.
TEST_F(ListMethodsTest, ListConsentEvents) {
  v1::ListConsentEventsRequest request = Events("profiles/p1");
  for (const std::string filter :
       {"channel = CARRIER_PIGEON", "decision = GRANTED", "purpose = \"purposes/a\" AND"}) {
    request.set_filter(filter);
    ExpectInvalid(ListConsentEvents(request), "INVALID_FILTER", "filter");
  }

  request = Events("profiles/p1");
  request.set_page_token(kGarbageToken);
  ExpectInvalid(ListConsentEvents(request), "INVALID_PAGE_TOKEN", "page_token");

  request = Events("profiles/p1");
  request.set_filter("purpose = \"purposes/a\" AND channel = EMAIL");
  v1::ListConsentEventsResponse page;
  MustSucceed(ListConsentEvents(request, &page));
  EXPECT_EQ(page.consent_events_size(), 2);
  ASSERT_FALSE(page.next_page_token().empty());

  v1::ListConsentEventsRequest changed = request;
  changed.set_page_token(page.next_page_token());
  changed.set_filter("channel = EMAIL");
  ExpectInvalid(ListConsentEvents(changed), "INVALID_PAGE_TOKEN", "page_token");
  changed = request;
  changed.set_parent("profiles/p2");
  changed.set_page_token(page.next_page_token());
  ExpectInvalid(ListConsentEvents(changed), "INVALID_PAGE_TOKEN", "page_token");

  request.set_page_token(page.next_page_token());
  MustSucceed(ListConsentEvents(request, &page));
  EXPECT_EQ(page.consent_events_size(), 2);
  EXPECT_TRUE(page.next_page_token().empty());

  request = Events("profiles/p1");
  request.set_page_size(100);
  MustSucceed(ListConsentEvents(request, &page));
  EXPECT_EQ(page.consent_events_size(), 3);
  request.set_page_size(-1);
  ExpectInvalid(ListConsentEvents(request), "INVALID_ARGUMENT", "page_size");
}

// Verifies ListSuppressionLists rejects a bad token and one of another List
// method, and pages by the configured sizes.
TEST_F(ListMethodsTest, ListSuppressionLists) {
  v1::ListSuppressionListsRequest request;
  request.set_page_token(kGarbageToken);
  ExpectInvalid(ListSuppressionLists(request), "INVALID_PAGE_TOKEN", "page_token");

  v1::ListPurposesResponse purposes;
  MustSucceed(ListPurposes({}, &purposes));
  request.set_page_token(purposes.next_page_token());
  ExpectInvalid(ListSuppressionLists(request), "INVALID_PAGE_TOKEN", "page_token");

  request.Clear();
  v1::ListSuppressionListsResponse page;
  MustSucceed(ListSuppressionLists(request, &page));
  EXPECT_EQ(page.suppression_lists_size(), 2);
  request.set_page_token(page.next_page_token());
  MustSucceed(ListSuppressionLists(request, &page));
  EXPECT_EQ(page.suppression_lists_size(), 2);
  EXPECT_TRUE(page.next_page_token().empty());

  request.Clear();
  request.set_page_size(100);
  MustSucceed(ListSuppressionLists(request, &page));
  EXPECT_EQ(page.suppression_lists_size(), 3);
  request.set_page_size(-1);
  ExpectInvalid(ListSuppressionLists(request), "INVALID_ARGUMENT", "page_size");
}

}  // namespace
}  // namespace cp::testing

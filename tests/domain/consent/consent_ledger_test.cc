#include "domain/consent/consent_ledger.h"

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "domain/common/errors.h"
#include "domain/common/proto_time.h"
#include "domain/consent/consent_checker.h"
#include "domain/consent/consent_evaluator.h"
#include "domain/consent/consent_names.h"
#include "domain/consent/purpose_manager.h"
#include "domain/profile/profile_manager.h"
#include "gtest/gtest.h"
#include "storage/sqlite/sqlite_store.h"
#include "tests/support/status_reason.h"
#include "tests/support/temp_dir.h"

namespace cp::domain {
namespace {

namespace v1 = ::customerprofile::v1;

using ::cp::testing::ReasonOf;

// ConsentLedgerTest runs the purpose, ledger and checker use cases on a
// fresh SQLite store with a fake clock.
class ConsentLedgerTest : public ::testing::Test {
 protected:
  ConsentLedgerTest() : clock_(absl::FromUnixSeconds(1767225600)) {  // 2026-01-01
    auto store = storage::OpenSqliteStore({.path = dir_.File("profiles.db")});
    EXPECT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
    EXPECT_TRUE(store_->Migrate().ok());
    profiles_ = std::make_unique<ProfileManager>(store_.get(), &clock_, &profile_ids_,
                                                 ProfileManagerOptions{});
    purposes_ = std::make_unique<PurposeManager>(store_.get(), &clock_);
    ledger_ = std::make_unique<ConsentLedger>(store_.get(), &clock_, &event_ids_);
    checker_ = std::make_unique<ConsentChecker>(store_.get(), &clock_, nullptr);
    context_.app_id = "crm";
    context_.actor = "agent-7";
  }

  void SetUp() override {
    v1::CreateProfileRequest profile;
    profile.set_profile_id("ola");
    profile.mutable_profile()->set_given_name("Ola");
    profile.mutable_profile()->set_region_code("NO");
    profile.mutable_profile()->add_emails()->set_address("ola@example.com");
    profile.mutable_profile()->add_phones()->set_number("+4791234567");
    ASSERT_TRUE(profiles_->CreateProfile(profile, context_).ok());
    MustCreatePurpose("newsletter", v1::LEGAL_BASIS_CONSENT, false, 24);
    MustCreatePurpose("offers", v1::LEGAL_BASIS_CONSENT, true, 0);
  }

  v1::Purpose MustCreatePurpose(const std::string& id, v1::LegalBasis basis, bool double_opt_in,
                                int validity_months) {
    v1::CreatePurposeRequest request;
    request.set_purpose_id(id);
    v1::Purpose* purpose = request.mutable_purpose();
    purpose->set_display_name("Purpose " + id);
    purpose->set_legal_basis(basis);
    purpose->add_channels(v1::CHANNEL_EMAIL);
    purpose->add_channels(v1::CHANNEL_SMS);
    purpose->set_double_opt_in_required(double_opt_in);
    purpose->set_consent_validity_months(validity_months);
    purpose->set_notice_text("We send you news about " + id + ".");
    auto created = purposes_->CreatePurpose(request, context_);
    EXPECT_TRUE(created.ok()) << created.status();
    return created.ok() ? *created : v1::Purpose();
  }

  v1::RecordConsentRequest Request(const std::string& purpose, v1::ConsentDecision decision,
                                   absl::Time occur, v1::Channel channel = v1::CHANNEL_EMAIL,
                                   const std::string& contact_point = "") {
    v1::RecordConsentRequest request;
    request.set_parent("profiles/ola");
    v1::ConsentEvent* event = request.mutable_consent_event();
    event->set_purpose("purposes/" + purpose);
    event->set_channel(channel);
    event->set_contact_point(contact_point);
    event->set_decision(decision);
    *event->mutable_occur_time() = ToProtoTime(occur);
    event->mutable_evidence()->set_method(v1::EVIDENCE_METHOD_WEB_FORM);
    event->mutable_evidence()->set_source_system("webshop");
    return request;
  }

  absl::StatusOr<v1::RecordConsentResponse> Record(const v1::RecordConsentRequest& request) {
    return ledger_->RecordConsent(request, context_);
  }

  v1::ConsentCheck Check(const std::string& purpose, v1::Channel channel = v1::CHANNEL_EMAIL,
                         const std::string& contact_point = "") {
    v1::CheckConsentRequest request;
    request.set_profile("profiles/ola");
    request.set_purpose("purposes/" + purpose);
    request.set_channel(channel);
    request.set_contact_point(contact_point);
    auto response = checker_->CheckConsent(request, context_);
    EXPECT_TRUE(response.ok()) << response.status();
    return response.ok() ? response->check() : v1::ConsentCheck();
  }

  testing::TempDir dir_;
  FakeClock clock_;
  SequentialIdGenerator profile_ids_{"p"};
  SequentialIdGenerator event_ids_{"e"};
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<ProfileManager> profiles_;
  std::unique_ptr<PurposeManager> purposes_;
  std::unique_ptr<ConsentLedger> ledger_;
  std::unique_ptr<ConsentChecker> checker_;
  CallContext context_;
};

// Verifies that a new notice text makes version 2 while version 1 stays
// readable word for word.
TEST_F(ConsentLedgerTest, NoticeTextChangeCreatesNewVersionAndKeepsOld) {
  v1::UpdatePurposeRequest update;
  update.mutable_purpose()->set_name("purposes/newsletter");
  update.mutable_purpose()->set_notice_text("New words.");
  update.mutable_update_mask()->add_paths("notice_text");
  auto updated = purposes_->UpdatePurpose(update, context_);
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ(updated->notice_version(), 2);

  v1::GetNoticeVersionRequest get;
  get.set_name("purposes/newsletter/noticeVersions/1");
  auto v1_text = purposes_->GetNoticeVersion(get, context_);
  ASSERT_TRUE(v1_text.ok()) << v1_text.status();
  EXPECT_EQ(v1_text->notice_text(), "We send you news about newsletter.");
  get.set_name("purposes/newsletter/noticeVersions/2");
  EXPECT_EQ(purposes_->GetNoticeVersion(get, context_)->notice_text(), "New words.");

  v1::ListNoticeVersionsRequest list;
  list.set_parent("purposes/newsletter");
  auto versions = purposes_->ListNoticeVersions(list, context_);
  ASSERT_TRUE(versions.ok());
  ASSERT_EQ(versions->notice_versions_size(), 2);
  EXPECT_EQ(versions->notice_versions(0).version(), 2);

  // A stale etag is ABORTED.
  update.mutable_purpose()->set_etag("stale");
  EXPECT_EQ(purposes_->UpdatePurpose(update, context_).status().code(), absl::StatusCode::kAborted);
}

// Verifies the ordering rule end to end: a back-dated paper withdrawal
// entered after a newer web grant leaves the grant deciding, and a newer
// withdrawal entered after an older grant wins.
TEST_F(ConsentLedgerTest, LatestOccurrenceDecidesBothWays) {
  absl::Time now = clock_.Now();
  auto grant = Record(Request("newsletter", v1::CONSENT_DECISION_GRANTED, now - absl::Hours(1)));
  ASSERT_TRUE(grant.ok()) << grant.status();
  EXPECT_EQ(grant->consent_event().recorded_by(), "crm");
  EXPECT_EQ(grant->consent_event().recorded_for(), "agent-7");
  auto paper = Request("newsletter", v1::CONSENT_DECISION_WITHDRAWN, now - absl::Hours(24 * 30));
  paper.mutable_consent_event()->mutable_evidence()->set_method(v1::EVIDENCE_METHOD_PAPER);
  auto withdrawal = Record(paper);
  ASSERT_TRUE(withdrawal.ok());
  EXPECT_EQ(withdrawal->consent().state(), v1::CONSENT_STATE_GRANTED);
  v1::ConsentCheck check = Check("newsletter");
  EXPECT_TRUE(check.allowed());
  EXPECT_EQ(check.deciding_event(), grant->consent_event().name());

  clock_.Advance(absl::Hours(1));
  auto newer = Record(Request("newsletter", v1::CONSENT_DECISION_WITHDRAWN, clock_.Now()));
  ASSERT_TRUE(newer.ok());
  check = Check("newsletter");
  EXPECT_FALSE(check.allowed());
  EXPECT_EQ(check.reason(), v1::CHECK_REASON_WITHDRAWN);

  v1::ListConsentEventsRequest list;
  list.set_parent("profiles/ola");
  list.set_page_size(2);
  auto page = ledger_->ListConsentEvents(list, context_);
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->consent_events_size(), 2);
  EXPECT_EQ(page->consent_events(0).name(), newer->consent_event().name());
  list.set_page_token(page->next_page_token());
  auto rest = ledger_->ListConsentEvents(list, context_);
  ASSERT_TRUE(rest.ok()) << rest.status();
  ASSERT_EQ(rest->consent_events_size(), 1);
  EXPECT_EQ(rest->consent_events(0).name(), withdrawal->consent_event().name());
}

// Verifies that expiry is evaluated at check time with the injected clock.
TEST_F(ConsentLedgerTest, GrantExpiresWhenTheClockMoves) {
  ASSERT_TRUE(Record(Request("newsletter", v1::CONSENT_DECISION_GRANTED, clock_.Now())).ok());
  EXPECT_TRUE(Check("newsletter").allowed());
  clock_.Advance(absl::Hours(24 * 366 * 2));
  v1::ConsentCheck check = Check("newsletter");
  EXPECT_FALSE(check.allowed());
  EXPECT_EQ(check.reason(), v1::CHECK_REASON_EXPIRED);
  v1::ListConsentsRequest list;
  list.set_parent("profiles/ola");
  auto consents = ledger_->ListConsents(list, context_);
  ASSERT_TRUE(consents.ok());
  ASSERT_EQ(consents->consents_size(), 1);
  EXPECT_EQ(consents->consents(0).state(), v1::CONSENT_STATE_EXPIRED);
}

// Verifies the input errors: a contact point not the profile's own, an
// unknown purpose, an uncovered channel and an occur_time in the future.
TEST_F(ConsentLedgerTest, RejectsForeignContactPointUnknownPurposeUncoveredChannelAndFuture) {
  absl::Time now = clock_.Now();
  auto foreign = Record(
      Request("newsletter", v1::CONSENT_DECISION_GRANTED, now, v1::CHANNEL_EMAIL, "x@example.com"));
  EXPECT_EQ(foreign.status().code(), absl::StatusCode::kInvalidArgument);
  auto own = Record(Request("newsletter", v1::CONSENT_DECISION_GRANTED, now, v1::CHANNEL_EMAIL,
                            "OLA@EXAMPLE.COM"));
  EXPECT_TRUE(own.ok()) << own.status();
  auto unknown = Record(Request("nope", v1::CONSENT_DECISION_GRANTED, now));
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kNotFound);
  auto uncovered =
      Record(Request("newsletter", v1::CONSENT_DECISION_GRANTED, now, v1::CHANNEL_PHONE_CALL));
  EXPECT_EQ(uncovered.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ReasonOf(uncovered.status()), "PURPOSE_NOT_FOR_CHANNEL");
  auto future = Record(Request("newsletter", v1::CONSENT_DECISION_GRANTED, now + absl::Seconds(5)));
  EXPECT_EQ(future.status().code(), absl::StatusCode::kInvalidArgument);

  v1::CheckConsentRequest check;
  check.set_profile("profiles/ola");
  check.set_purpose("purposes/newsletter");
  check.set_channel(v1::CHANNEL_SMS);
  check.set_contact_point("+4799999999");
  EXPECT_EQ(checker_->CheckConsent(check, context_).status().code(),
            absl::StatusCode::kInvalidArgument);
  check.set_purpose("purposes/nope");
  EXPECT_EQ(checker_->CheckConsent(check, context_).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(Check("newsletter", v1::CHANNEL_PUSH).reason(),
            v1::CHECK_REASON_PURPOSE_NOT_FOR_CHANNEL);
}

// Verifies that a deleted profile answers PROFILE_DELETED even with a grant.
TEST_F(ConsentLedgerTest, DeletedProfileIsNotAllowed) {
  ASSERT_TRUE(Record(Request("newsletter", v1::CONSENT_DECISION_GRANTED, clock_.Now())).ok());
  v1::DeleteProfileRequest remove;
  remove.set_name("profiles/ola");
  ASSERT_TRUE(profiles_->DeleteProfile(remove, context_).ok());
  v1::ConsentCheck check = Check("newsletter");
  EXPECT_FALSE(check.allowed());
  EXPECT_EQ(check.reason(), v1::CHECK_REASON_PROFILE_DELETED);
}

// Verifies double opt-in: pending until confirmed, then granted with
// DOUBLE_OPT_IN evidence; a used, unknown or expired token is a clear error
// and changes nothing.
TEST_F(ConsentLedgerTest, DoubleOptInConfirmsOnceWithinExpiry) {
  auto pending = Record(Request("offers", v1::CONSENT_DECISION_GRANTED, clock_.Now()));
  ASSERT_TRUE(pending.ok()) << pending.status();
  EXPECT_EQ(pending->consent().state(), v1::CONSENT_STATE_PENDING_CONFIRMATION);
  ASSERT_FALSE(pending->confirmation_token().empty());
  EXPECT_EQ(Check("offers").reason(), v1::CHECK_REASON_PENDING_CONFIRMATION);

  v1::ConfirmConsentRequest confirm;
  confirm.set_token("unknown-token");
  EXPECT_EQ(ReasonOf(ledger_->ConfirmConsent(confirm, context_).status()),
            "CONFIRMATION_TOKEN_UNKNOWN");

  confirm.set_token(pending->confirmation_token());
  confirm.mutable_evidence()->set_ip_address("192.0.2.1");
  clock_.Advance(absl::Minutes(5));
  auto confirmed = ledger_->ConfirmConsent(confirm, context_);
  ASSERT_TRUE(confirmed.ok()) << confirmed.status();
  EXPECT_EQ(confirmed->evidence().method(), v1::EVIDENCE_METHOD_DOUBLE_OPT_IN);
  EXPECT_EQ(confirmed->confirms_event(), pending->consent_event().name());
  v1::ConsentCheck check = Check("offers");
  EXPECT_TRUE(check.allowed());
  EXPECT_EQ(check.deciding_event(), confirmed->name());

  auto again = ledger_->ConfirmConsent(confirm, context_);
  EXPECT_EQ(again.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ReasonOf(again.status()), "CONFIRMATION_TOKEN_USED");

  clock_.Advance(absl::Minutes(1));
  auto second =
      Record(Request("offers", v1::CONSENT_DECISION_GRANTED, clock_.Now(), v1::CHANNEL_SMS));
  ASSERT_TRUE(second.ok());
  clock_.Advance(absl::Hours(24 * 8));
  confirm.set_token(second->confirmation_token());
  EXPECT_EQ(ReasonOf(ledger_->ConfirmConsent(confirm, context_).status()),
            "CONFIRMATION_TOKEN_EXPIRED");
  EXPECT_EQ(Check("offers", v1::CHANNEL_SMS).reason(), v1::CHECK_REASON_PENDING_CONFIRMATION);
}

// Verifies that a replayed request_id returns the first event, with no
// second effect.
TEST_F(ConsentLedgerTest, RequestIdMakesRecordIdempotent) {
  auto request = Request("newsletter", v1::CONSENT_DECISION_GRANTED, clock_.Now());
  request.set_request_id("r-1");
  auto first = Record(request);
  auto second = Record(request);
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(first->consent_event().name(), second->consent_event().name());
  v1::ListConsentEventsRequest list;
  list.set_parent("profiles/ola");
  EXPECT_EQ(ledger_->ListConsentEvents(list, context_)->consent_events_size(), 1);
}

// Verifies that BatchCheckConsent answers in request order exactly as
// CheckConsent does, including unknown and deleted profiles.
TEST_F(ConsentLedgerTest, BatchCheckEqualsSingleChecksInOrder) {
  for (const std::string id : {"kari", "per", "gone"}) {
    v1::CreateProfileRequest profile;
    profile.set_profile_id(id);
    profile.mutable_profile()->set_given_name("X");
    ASSERT_TRUE(profiles_->CreateProfile(profile, context_).ok());
  }
  absl::Time now = clock_.Now();
  ASSERT_TRUE(Record(Request("newsletter", v1::CONSENT_DECISION_GRANTED, now)).ok());
  auto kari = Request("newsletter", v1::CONSENT_DECISION_DENIED, now);
  kari.set_parent("profiles/kari");
  ASSERT_TRUE(Record(kari).ok());
  auto gone = Request("newsletter", v1::CONSENT_DECISION_GRANTED, now);
  gone.set_parent("profiles/gone");
  ASSERT_TRUE(Record(gone).ok());
  v1::DeleteProfileRequest remove;
  remove.set_name("profiles/gone");
  ASSERT_TRUE(profiles_->DeleteProfile(remove, context_).ok());

  v1::BatchCheckConsentRequest batch;
  batch.set_purpose("purposes/newsletter");
  batch.set_channel(v1::CHANNEL_EMAIL);
  for (const char* name : {"profiles/per", "profiles/ola", "profiles/missing", "profiles/gone",
                           "profiles/kari", "profiles/ola"}) {
    batch.add_profiles(name);
  }
  auto answers = checker_->BatchCheckConsent(batch, context_);
  ASSERT_TRUE(answers.ok()) << answers.status();
  ASSERT_EQ(answers->checks_size(), batch.profiles_size());
  EXPECT_EQ(answers->checks(2).reason(), v1::CHECK_REASON_PROFILE_NOT_FOUND);
  for (int i = 0; i < batch.profiles_size(); ++i) {
    EXPECT_EQ(answers->checks(i).profile(), batch.profiles(i));
    if (i == 2) continue;
    v1::CheckConsentRequest single;
    single.set_profile(batch.profiles(i));
    single.set_purpose(batch.purpose());
    single.set_channel(batch.channel());
    auto one = checker_->CheckConsent(single, context_);
    ASSERT_TRUE(one.ok()) << one.status();
    EXPECT_EQ(one->check().SerializeAsString(), answers->checks(i).SerializeAsString()) << i;
  }
  EXPECT_TRUE(answers->checks(1).allowed());
  EXPECT_EQ(answers->checks(0).reason(), v1::CHECK_REASON_NO_CONSENT);
  EXPECT_EQ(answers->checks(3).reason(), v1::CHECK_REASON_PROFILE_DELETED);
  EXPECT_EQ(answers->checks(4).reason(), v1::CHECK_REASON_DENIED);
}

// Verifies that concurrent grants and withdrawals from several threads all
// land in the ledger and leave the state at the latest event.
TEST_F(ConsentLedgerTest, ConcurrentGrantsAndWithdrawalsKeepEveryEvent) {
  constexpr int kThreads = 4;
  constexpr int kPerThread = 15;
  absl::Time base = clock_.Now() - absl::Hours(1);
  std::atomic<int> failures = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        // Distinct occur times, interleaved across threads; some ties.
        absl::Time occur = base + absl::Seconds((i * kThreads + t) / 2);
        auto decision =
            (i + t) % 2 == 0 ? v1::CONSENT_DECISION_GRANTED : v1::CONSENT_DECISION_WITHDRAWN;
        if (!Record(Request("newsletter", decision, occur)).ok()) ++failures;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);

  std::vector<storage::ConsentEventRecord> events;
  ASSERT_TRUE(store_
                  ->Run(storage::TransactionMode::kReadOnly, absl::InfiniteFuture(),
                        [&](storage::Transaction& tx) {
                          storage::ConsentEventQuery query;
                          query.profile_id = "ola";
                          query.limit = 1000;
                          auto listed = tx.consents().ListConsentEvents(query);
                          if (!listed.ok()) return listed.status();
                          events = *listed;
                          return absl::OkStatus();
                        })
                  .ok());
  ASSERT_EQ(events.size(), static_cast<size_t>(kThreads * kPerThread));
  const storage::ConsentEventRecord* deciding = DecidingEvent(events);
  ASSERT_NE(deciding, nullptr);
  v1::ConsentCheck check = Check("newsletter");
  EXPECT_EQ(check.deciding_event(), ConsentEventName("ola", deciding->event_id));
  EXPECT_EQ(check.allowed(), deciding->event.decision() == v1::CONSENT_DECISION_GRANTED);
}

}  // namespace
}  // namespace cp::domain

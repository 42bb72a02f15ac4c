#pragma once

#include <gmock/gmock.h>

#include "client/consent_connection.h"

namespace cp::client {

// MockConsentConnection is a ConsentConnection whose calls tests script:
// what a unit test of code built on ConsentClient passes it.
class MockConsentConnection : public ConsentConnection {
 public:
  MOCK_METHOD(absl::StatusOr<customerprofile::v1::Purpose>, CreatePurpose,
              (const customerprofile::v1::CreatePurposeRequest&), (override));
  MOCK_METHOD(absl::StatusOr<customerprofile::v1::Purpose>, GetPurpose,
              (const customerprofile::v1::GetPurposeRequest&), (override));
  MOCK_METHOD(absl::StatusOr<customerprofile::v1::ListPurposesResponse>, ListPurposes,
              (const customerprofile::v1::ListPurposesRequest&), (override));
  MOCK_METHOD(absl::StatusOr<customerprofile::v1::Purpose>, UpdatePurpose,
              (const customerprofile::v1::UpdatePurposeRequest&), (override));
  MOCK_METHOD(absl::StatusOr<customerprofile::v1::NoticeVersion>, GetNoticeVersion,
              (const customerprofile::v1::GetNoticeVersionRequest&), (override));
  MOCK_METHOD(absl::StatusOr<customerprofile::v1::ListNoticeVersionsResponse>, ListNoticeVersions,
              (const customerprofile::v1::ListNoticeVersionsRequest&), (override));
  MOCK_METHOD(absl::StatusOr<customerprofile::v1::RecordConsentResponse>, RecordConsent,
              (const customerprofile::v1::RecordConsentRequest&), (override));
  MOCK_METHOD(absl::StatusOr<customerprofile::v1::ConsentEvent>, ConfirmConsent,
              (const customerprofile::v1::ConfirmConsentRequest&), (override));
  MOCK_METHOD(absl::StatusOr<customerprofile::v1::ListConsentEventsResponse>, ListConsentEvents,
              (const customerprofile::v1::ListConsentEventsRequest&), (override));
  MOCK_METHOD(absl::StatusOr<customerprofile::v1::ListConsentsResponse>, ListConsents,
              (const customerprofile::v1::ListConsentsRequest&), (override));
  MOCK_METHOD(absl::StatusOr<customerprofile::v1::CheckConsentResponse>, CheckConsent,
              (const customerprofile::v1::CheckConsentRequest&), (override));
  MOCK_METHOD(absl::StatusOr<customerprofile::v1::BatchCheckConsentResponse>, BatchCheckConsent,
              (const customerprofile::v1::BatchCheckConsentRequest&), (override));
};

}  // namespace cp::client

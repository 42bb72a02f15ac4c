#pragma once

#include <gmock/gmock.h>

#include "client/suppression_connection.h"

namespace cp::client {

// MockSuppressionConnection is a SuppressionConnection whose calls tests
// script: what a unit test of code built on SuppressionClient passes it.
class MockSuppressionConnection : public SuppressionConnection {
 public:
  MOCK_METHOD(absl::StatusOr<customerprofile::v1::SuppressionList>, CreateSuppressionList,
              (const customerprofile::v1::CreateSuppressionListRequest&), (override));
  MOCK_METHOD(absl::StatusOr<customerprofile::v1::SuppressionList>, GetSuppressionList,
              (const customerprofile::v1::GetSuppressionListRequest&), (override));
  MOCK_METHOD(absl::StatusOr<customerprofile::v1::ListSuppressionListsResponse>,
              ListSuppressionLists, (const customerprofile::v1::ListSuppressionListsRequest&),
              (override));
  MOCK_METHOD(absl::StatusOr<customerprofile::v1::SuppressionList>, UpdateSuppressionList,
              (const customerprofile::v1::UpdateSuppressionListRequest&), (override));
  MOCK_METHOD(absl::StatusOr<customerprofile::v1::DeleteSuppressionListResponse>,
              DeleteSuppressionList, (const customerprofile::v1::DeleteSuppressionListRequest&),
              (override));
  MOCK_METHOD(absl::StatusOr<customerprofile::v1::SuppressionEntry>, AddSuppressionEntry,
              (const customerprofile::v1::AddSuppressionEntryRequest&), (override));
  MOCK_METHOD(absl::StatusOr<customerprofile::v1::RemoveSuppressionEntryResponse>,
              RemoveSuppressionEntry, (const customerprofile::v1::RemoveSuppressionEntryRequest&),
              (override));
  MOCK_METHOD(absl::StatusOr<customerprofile::v1::CheckSuppressionResponse>, CheckSuppression,
              (const customerprofile::v1::CheckSuppressionRequest&), (override));
};

}  // namespace cp::client

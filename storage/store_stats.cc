#include "storage/store_stats.h"

namespace cp::storage {

absl::string_view RetryCauseName(RetryCause cause) {
  switch (cause) {
    case RetryCause::kDeadlock:
      return "deadlock";
    case RetryCause::kLockWaitTimeout:
      return "lock_wait_timeout";
    case RetryCause::kStaleConnection:
      return "stale_connection";
    case RetryCause::kBusy:
      return "busy";
  }
  return "unknown";
}

absl::string_view AbortCauseName(AbortCause cause) {
  switch (cause) {
    case AbortCause::kConflict:
      return "conflict";
    case AbortCause::kDeadline:
      return "deadline";
    case AbortCause::kBusy:
      return "busy";
  }
  return "unknown";
}

}  // namespace cp::storage

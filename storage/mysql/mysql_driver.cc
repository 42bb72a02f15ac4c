#include "storage/mysql/mysql_driver.h"

#include <driver.h>

#include <exception>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace cp::storage {
namespace {

absl::Mutex driver_mu(absl::kConstInit);
::sql::Driver* driver ABSL_GUARDED_BY(driver_mu) = nullptr;

::sql::Driver* SharedDriver() {
  absl::MutexLock lock(&driver_mu);
  if (driver == nullptr) {
    try {
      driver = get_driver_instance();
    } catch (const std::exception&) {
      return nullptr;  // the client library failed to start; callers report it
    }
  }
  return driver;
}

// ThreadRegistration brackets one thread's use of the driver.
class ThreadRegistration {
 public:
  explicit ThreadRegistration(::sql::Driver* driver) : driver_(driver) {
    if (driver_ != nullptr) driver_->threadInit();
  }
  ~ThreadRegistration() {
    if (driver_ != nullptr) driver_->threadEnd();
  }
  ThreadRegistration(const ThreadRegistration&) = delete;
  ThreadRegistration& operator=(const ThreadRegistration&) = delete;

 private:
  ::sql::Driver* driver_;
};

}  // namespace

void EnsureMysqlThread() { thread_local ThreadRegistration registration(SharedDriver()); }

::sql::Driver* MysqlDriver() {
  EnsureMysqlThread();
  return SharedDriver();
}

}  // namespace cp::storage

#include "storage/mysql/mysql_socket_registry.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <cstring>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/cleanup/cleanup.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/numbers.h"
#include "absl/synchronization/mutex.h"

namespace cp::storage {
namespace {

struct Registry {
  bool NotConnecting() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) { return !connecting; }

  absl::Mutex mu;
  // A connect is under way (it runs without the lock).
  bool connecting ABSL_GUARDED_BY(mu) = false;
  // The sockets of the live connections.
  absl::flat_hash_set<int> fds ABSL_GUARDED_BY(mu);
};

Registry& TheRegistry() {
  static Registry registry;
  return registry;
}

// IsSocketTo tells whether `fd` is a socket connected to the server of
// `options`: its TCP port, or its Unix socket path.
bool IsSocketTo(int fd, const MysqlStoreOptions& options) {
  sockaddr_storage peer;
  socklen_t length = sizeof(peer);
  if (getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &length) != 0) return false;
  if (!options.unix_socket.empty()) {
    if (peer.ss_family != AF_UNIX) return false;
    const auto* address = reinterpret_cast<const sockaddr_un*>(&peer);
    return strncmp(address->sun_path, options.unix_socket.c_str(), sizeof(address->sun_path)) == 0;
  }
  if (peer.ss_family == AF_INET) {
    return ntohs(reinterpret_cast<const sockaddr_in*>(&peer)->sin_port) == options.port;
  }
  if (peer.ss_family == AF_INET6) {
    return ntohs(reinterpret_cast<const sockaddr_in6*>(&peer)->sin6_port) == options.port;
  }
  return false;
}

// UnregisteredSocketsTo lists the process's open sockets to the server of
// `options` that are not in `registered`.
std::vector<int> UnregisteredSocketsTo(const MysqlStoreOptions& options,
                                       const absl::flat_hash_set<int>& registered) {
  std::vector<int> found;
  DIR* dir = opendir("/proc/self/fd");
  if (dir == nullptr) return found;
  int own = dirfd(dir);
  while (dirent* entry = readdir(dir)) {
    int fd;
    if (!absl::SimpleAtoi(entry->d_name, &fd) || fd == own || registered.contains(fd)) continue;
    if (IsSocketTo(fd, options)) found.push_back(fd);
  }
  closedir(dir);
  return found;
}

}  // namespace

absl::StatusOr<int> ConnectFindingSocket(const MysqlStoreOptions& options, absl::Time deadline,
                                         absl::FunctionRef<void()> connect) {
  Registry& registry = TheRegistry();
  if (!registry.mu.LockWhenWithDeadline(absl::Condition(&registry, &Registry::NotConnecting),
                                        deadline)) {
    registry.mu.Unlock();
    return absl::UnavailableError(
        "the call's deadline passed while other connections to MySQL were being opened");
  }
  registry.connecting = true;
  registry.mu.Unlock();
  absl::Cleanup failed = [&registry]() {
    absl::MutexLock lock(&registry.mu);
    registry.connecting = false;
  };
  connect();
  std::move(failed).Cancel();
  absl::MutexLock lock(&registry.mu);
  registry.connecting = false;
  std::vector<int> candidates = UnregisteredSocketsTo(options, registry.fds);
  if (candidates.size() != 1) return -1;
  registry.fds.insert(candidates.front());
  return candidates.front();
}

void CloseRegisteredSocket(int fd, absl::FunctionRef<void()> close) {
  Registry& registry = TheRegistry();
  absl::MutexLock lock(&registry.mu);
  close();
  registry.fds.erase(fd);
}

}  // namespace cp::storage

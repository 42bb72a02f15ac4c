#include "storage/mysql/mysql_socket_registry.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/un.h>
#include <unistd.h>

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
  // The sockets (inode numbers) of the live connections. Each is kept open
  // by a duplicate fd of the registry's own, so its inode is not reused
  // while it is here, even after the connector closed its own fd (as it does
  // on a lost connection) and that fd number went to another socket.
  absl::flat_hash_set<ino_t> sockets ABSL_GUARDED_BY(mu);
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

// SocketInode is the inode number of socket `fd`, or 0 when `fd` is not an
// open socket.
ino_t SocketInode(int fd) {
  struct stat status;
  if (fstat(fd, &status) != 0 || !S_ISSOCK(status.st_mode)) return 0;
  return status.st_ino;
}

// UnregisteredSocketsTo lists an fd of each of the process's open sockets
// to the server of `options` that is not in `registered`.
std::vector<int> UnregisteredSocketsTo(const MysqlStoreOptions& options,
                                       const absl::flat_hash_set<ino_t>& registered) {
  std::vector<int> found;
  DIR* dir = opendir("/proc/self/fd");
  if (dir == nullptr) return found;
  int own = dirfd(dir);
  while (dirent* entry = readdir(dir)) {
    int fd;
    if (!absl::SimpleAtoi(entry->d_name, &fd) || fd == own) continue;
    ino_t inode = SocketInode(fd);
    if (inode != 0 && !registered.contains(inode) && IsSocketTo(fd, options)) found.push_back(fd);
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
  std::vector<int> candidates = UnregisteredSocketsTo(options, registry.sockets);
  if (candidates.size() != 1) return -1;
  int own = fcntl(candidates.front(), F_DUPFD_CLOEXEC, 0);
  if (own < 0) return -1;
  registry.sockets.insert(SocketInode(own));
  return own;
}

void CloseRegisteredSocket(int fd, absl::FunctionRef<void()> close) {
  Registry& registry = TheRegistry();
  absl::MutexLock lock(&registry.mu);
  close();
  if (fd < 0) return;
  registry.sockets.erase(SocketInode(fd));
  ::close(fd);
}

}  // namespace cp::storage

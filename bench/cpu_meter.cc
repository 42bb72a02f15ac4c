#include "bench/cpu_meter.h"

#include <sys/resource.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"

namespace cp::bench {
namespace {

double TicksToSeconds(double ticks) { return ticks / static_cast<double>(sysconf(_SC_CLK_TCK)); }

double Seconds(const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; }

// ProcessSeconds reads utime + stime of /proc/PID/stat.
double ProcessSeconds(int pid) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/stat"));
  std::string line;
  if (!std::getline(in, line)) return 0;
  // The command name may hold spaces; the fields after it are plain.
  size_t close = line.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream fields(line.substr(close + 2));
  std::vector<std::string> values;
  std::string value;
  while (fields >> value) values.push_back(value);
  // Field 3 (state) is values[0]; utime and stime are fields 14 and 15.
  if (values.size() < 13) return 0;
  return TicksToSeconds(std::stod(values[11]) + std::stod(values[12]));
}

// ReadMachine sets the busy time of all CPUs from /proc/stat (time stolen
// by the hypervisor is not ours, so it is left out of it) and that stolen
// time.
void ReadMachine(CpuSample* sample) {
  std::ifstream in("/proc/stat");
  std::string cpu;
  double user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0;
  if (!(in >> cpu >> user >> nice >> system >> idle >> iowait >> irq >> softirq)) return;
  sample->machine = TicksToSeconds(user + nice + system + irq + softirq);
  if (in >> steal) sample->steal = TicksToSeconds(steal);
}

}  // namespace

CpuSample CpuMeter::Sample() const {
  CpuSample sample;
  rusage usage{};
  if (getrusage(RUSAGE_SELF, &usage) == 0) {
    sample.self = Seconds(usage.ru_utime) + Seconds(usage.ru_stime);
  }
  if (server_pid_ > 0) sample.server = ProcessSeconds(server_pid_);
  if (database_pid_ > 0) sample.database = ProcessSeconds(database_pid_);
  ReadMachine(&sample);
  return sample;
}

}  // namespace cp::bench

#pragma once

namespace cp::bench {

// CpuSample is the CPU time (user + system) used so far, in seconds.
struct CpuSample {
  // By this process.
  double self = 0;
  // By the server process; 0 when none is watched.
  double server = 0;
  // By the database server process; 0 when none is watched.
  double database = 0;
  // By every process of the machine, on all CPUs together.
  double machine = 0;
  // Stolen from this virtual machine's CPUs by the hypervisor (the "steal"
  // of /proc/stat), all CPUs together: time the machine wanted to run but
  // could not, which lowers every rate measured meanwhile.
  double steal = 0;
};

// CpuMeter samples the CPU time of this process, of the server, of its
// database server and of the whole machine (Linux /proc), so that a run can
// report the CPU cost of a call on each side and how busy other processes
// kept the machine.
class CpuMeter {
 public:
  // CpuMeter watches the processes with these ids; 0 watches none.
  CpuMeter(int server_pid, int database_pid)
      : server_pid_(server_pid), database_pid_(database_pid) {}

  // Sample returns the current totals; a figure it cannot read is 0.
  CpuSample Sample() const;

 private:
  int server_pid_;
  int database_pid_;
};

}  // namespace cp::bench

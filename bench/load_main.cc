// profile-bench: the load driver of the customer profile service.
//
//   profile-bench run --target=HOST:PORT --rpc=health,get,update,create ...
//   profile-bench load --store=sqlite:PATH|mysql://... --count=100000 ...
//
// See docs/benchmarks.md.
#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "bench/bench_ids.h"
#include "bench/import_command.h"
#include "bench/load_command.h"
#include "bench/run_command.h"
#include "bench/timeline_load_command.h"
#include "bench/watch_latency_command.h"

ABSL_FLAG(std::string, target, "127.0.0.1:50051", "run: host:port of profile-server");
ABSL_FLAG(std::string, rpc, "health",
          "run: the RPCs to measure one after the other, comma-separated: health (grpc.health.v1 "
          "Health/Check), get, update, create");
ABSL_FLAG(std::string, update_mode, "blind",
          "run: how `update` writes: blind (UpdateProfile of one attribute without an etag) or "
          "etag (GetProfile, then UpdateProfile with its etag; ABORTED is counted apart)");
ABSL_FLAG(int, concurrency, 16, "run: calls kept in flight");
ABSL_FLAG(int, channels, 1, "run: channels (one connection each) the calls are spread over");
ABSL_FLAG(absl::Duration, duration, absl::Seconds(10), "run: how long each RPC is measured");
ABSL_FLAG(absl::Duration, warmup, absl::Seconds(2), "run: calls before measuring, per RPC");
ABSL_FLAG(absl::Duration, timeout, absl::Seconds(5), "run: deadline of every RPC");
ABSL_FLAG(int, server_pid, 0,
          "run: process id of the server when it runs on this machine, to report its CPU time "
          "per call");
ABSL_FLAG(int, db_pid, 0,
          "run: process id of the database server (MariaDB) when it runs on this machine, to "
          "report its CPU time per call");
ABSL_FLAG(double, max_error_rate, 0.01, "run: exit 1 when a larger share of calls failed");
ABSL_FLAG(std::string, store, "", "load: sqlite:PATH or mysql://USER@HOST:PORT/DATABASE");
ABSL_FLAG(int, batch, 1000, "load: profiles per transaction");
ABSL_FLAG(int, threads, 0, "load: batches in progress at once (0: 2 for SQLite, 4 for MySQL)");
ABSL_FLAG(int64_t, count, 100000,
          "load: profiles to write; run: the known profiles are <id-prefix>0000001..count");
ABSL_FLAG(std::string, id_prefix, std::string(cp::bench::kDefaultIdPrefix),
          "the prefix of the bench profile ids");
ABSL_FLAG(int, batch_size, 1000, "run: profiles per batch-check call");
ABSL_FLAG(bool, consents, false,
          "load: also a bench purpose, a granted SMS consent per profile and a do-not-contact "
          "list holding every 100th profile's phone (for check and batch-check)");
ABSL_FLAG(int64_t, lines, 600000, "import: register lines to stream (1% of them malformed)");
ABSL_FLAG(int, chunk, 10000, "import: lines per stream message");
ABSL_FLAG(std::string, ids_file, "",
          "load: write the ids here (default stdout); run: read the known ids from here instead "
          "of --id-prefix/--count");

ABSL_FLAG(int, per_profile, 20, "timeline-load: interactions recorded on each known profile");
ABSL_FLAG(std::string, big_profile, "bench-busy",
          "timeline-load: the profile created for the long timeline (\"\" skips it); run: the "
          "profile list-timeline-big reads");
ABSL_FLAG(int64_t, big_count, 100000, "timeline-load: interactions on --big-profile");
ABSL_FLAG(int, rate, 1000, "watch-latency: UpdateProfile calls a second while watching");

namespace {

constexpr char kUsage[] =
    "the load driver of profile-server.\n\n"
    "  profile-bench run --target=HOST:PORT "
    "--rpc=health|get|update|create|check|batch-check[,...]\n"
    "      [--concurrency=16] [--duration=10s] [--warmup=2s] [--update-mode=blind|etag]\n"
    "      [--ids-file=PATH | --id-prefix=bench- --count=N]\n"
    "    keeps N calls in flight on the generated callback stub and prints QPS, latency\n"
    "    quantiles and the count of every status code, plus one RESULT line per RPC.\n"
    "  profile-bench load --store=sqlite:PATH|mysql://... [--count=100000] [--ids-file=PATH]\n"
    "    fills a fresh store with realistic profiles through the storage API\n"
    "    (--consents: with the data check and batch-check need).\n"
    "  profile-bench import --target=HOST:PORT [--lines=600000] [--chunk=10000]\n"
    "    streams a generated register (national and E.164 numbers, 1% malformed) into a\n"
    "    new suppression list with REPLACE and prints how long it took.\n"
    "  profile-bench timeline-load --target=HOST:PORT --ids-file=PATH [--per-profile=20]\n"
    "      [--big-profile=bench-busy --big-count=100000] [--batch=1000] [--concurrency=4]\n"
    "    records interactions with BatchRecordInteractions and prints interactions/s.\n"
    "  profile-bench watch-latency --target=HOST:PORT --ids-file=PATH [--rate=1000]\n"
    "      [--duration=10s] [--warmup=2s]\n"
    "    watches the change stream while writing --rate updates a second and prints the\n"
    "    commit -> delivery latency quantiles.\n\n"
    "Flags may be spelled with - or _.";

// NormalizeDashes turns "--update-mode=x" into "--update_mode=x", so both
// spellings of a flag work; everything after "--" is left alone.
std::vector<std::string> NormalizeDashes(int argc, char** argv) {
  std::vector<std::string> args(argv, argv + argc);
  for (size_t i = 1; i < args.size(); ++i) {
    std::string& arg = args[i];
    if (arg == "--") break;
    if (!absl::StartsWith(arg, "--")) continue;
    size_t end = std::min(arg.find('='), arg.size());
    for (size_t j = 2; j < end; ++j) {
      if (arg[j] == '-') arg[j] = '_';
    }
  }
  return args;
}

int Run() {
  cp::bench::RunOptions options;
  options.target = absl::GetFlag(FLAGS_target);
  for (absl::string_view name : absl::StrSplit(absl::GetFlag(FLAGS_rpc), ',', absl::SkipEmpty())) {
    auto rpc = cp::bench::ParseRpc(name);
    if (!rpc.ok()) {
      std::fprintf(stderr, "profile-bench run: %s\n", std::string(rpc.status().message()).c_str());
      return 2;
    }
    options.rpcs.push_back(*rpc);
  }
  auto mode = cp::bench::ParseUpdateMode(absl::GetFlag(FLAGS_update_mode));
  if (!mode.ok()) {
    std::fprintf(stderr, "profile-bench run: %s\n", std::string(mode.status().message()).c_str());
    return 2;
  }
  options.update_mode = *mode;
  options.concurrency = absl::GetFlag(FLAGS_concurrency);
  options.channels = absl::GetFlag(FLAGS_channels);
  options.warmup = absl::GetFlag(FLAGS_warmup);
  options.duration = absl::GetFlag(FLAGS_duration);
  options.timeout = absl::GetFlag(FLAGS_timeout);
  options.batch_size = absl::GetFlag(FLAGS_batch_size);
  options.max_error_rate = absl::GetFlag(FLAGS_max_error_rate);
  options.ids_file = absl::GetFlag(FLAGS_ids_file);
  options.id_prefix = absl::GetFlag(FLAGS_id_prefix);
  options.count = absl::GetFlag(FLAGS_count);
  options.server_pid = absl::GetFlag(FLAGS_server_pid);
  options.database_pid = absl::GetFlag(FLAGS_db_pid);
  options.big_profile = absl::GetFlag(FLAGS_big_profile);
  return cp::bench::RunCommand(options);
}

int Load() {
  cp::bench::LoadOptions options;
  options.store = absl::GetFlag(FLAGS_store);
  options.count = absl::GetFlag(FLAGS_count);
  options.id_prefix = absl::GetFlag(FLAGS_id_prefix);
  options.batch = absl::GetFlag(FLAGS_batch);
  options.threads = absl::GetFlag(FLAGS_threads);
  options.ids_file = absl::GetFlag(FLAGS_ids_file);
  options.consents = absl::GetFlag(FLAGS_consents);
  return cp::bench::LoadCommand(options);
}

int Import() {
  cp::bench::ImportOptions options;
  options.target = absl::GetFlag(FLAGS_target);
  options.lines = absl::GetFlag(FLAGS_lines);
  options.chunk = absl::GetFlag(FLAGS_chunk);
  return cp::bench::ImportCommand(options);
}

// KnownIds sets `ids` to the known profiles: --ids-file, else
// --id-prefix/--count; false (after a message naming `command`) when the
// file cannot be read.
bool KnownIds(const char* command, std::vector<std::string>* ids) {
  const std::string ids_file = absl::GetFlag(FLAGS_ids_file);
  if (ids_file.empty()) {
    *ids = cp::bench::MakeBenchIds(absl::GetFlag(FLAGS_id_prefix), absl::GetFlag(FLAGS_count));
    return true;
  }
  auto read = cp::bench::ReadIdsFile(ids_file);
  if (!read.ok()) {
    std::fprintf(stderr, "profile-bench %s: %s\n", command,
                 std::string(read.status().message()).c_str());
    return false;
  }
  *ids = *std::move(read);
  return true;
}

int TimelineLoad() {
  cp::bench::TimelineLoadOptions options;
  options.target = absl::GetFlag(FLAGS_target);
  if (!KnownIds("timeline-load", &options.ids)) return 2;
  options.per_profile = absl::GetFlag(FLAGS_per_profile);
  options.big_profile = absl::GetFlag(FLAGS_big_profile);
  options.big_count = absl::GetFlag(FLAGS_big_count);
  options.batch = absl::GetFlag(FLAGS_batch);
  options.concurrency = absl::GetFlag(FLAGS_concurrency);
  return cp::bench::TimelineLoadCommand(options);
}

int WatchLatency() {
  cp::bench::WatchLatencyOptions options;
  options.target = absl::GetFlag(FLAGS_target);
  if (!KnownIds("watch-latency", &options.ids)) return 2;
  options.rate = absl::GetFlag(FLAGS_rate);
  options.duration = absl::GetFlag(FLAGS_duration);
  options.warmup = absl::GetFlag(FLAGS_warmup);
  return cp::bench::WatchLatencyCommand(options);
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(kUsage);
  absl::FlagsUsageConfig config;
  config.contains_help_flags = [](absl::string_view file) {
    return absl::StrContains(file, "bench/");
  };
  config.contains_helpshort_flags = config.contains_help_flags;
  absl::SetFlagsUsageConfig(config);

  std::vector<std::string> args = NormalizeDashes(argc, argv);
  std::vector<char*> arg_ptrs;
  for (std::string& arg : args) arg_ptrs.push_back(arg.data());
  std::vector<char*> positional =
      absl::ParseCommandLine(static_cast<int>(arg_ptrs.size()), arg_ptrs.data());
  std::string command = positional.size() == 2 ? positional[1] : "";
  if (command == "run") return Run();
  if (command == "load") return Load();
  if (command == "import") return Import();
  if (command == "timeline-load") return TimelineLoad();
  if (command == "watch-latency") return WatchLatency();
  std::fprintf(stderr,
               "usage: profile-bench run|load|import|timeline-load|watch-latency [flags]; see "
               "--help\n");
  return 2;
}

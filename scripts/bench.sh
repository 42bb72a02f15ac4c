#!/usr/bin/env bash
# bench.sh [sqlite|mysql]: the benchmark behind `make bench STORE=...`.
#
# Loads 100k realistic profiles into a fresh store (profile-bench load, through
# the storage API), starts profile-server on it on a free port of 127.0.0.1 and
# measures, in this one run and against this one server, Health.Check,
# GetProfile and UpdateProfile at the same concurrency with profile-bench run
# (the generated callback stub; every status code counted). With mysql it
# starts a private MariaDB (scripts/mariadb.sh) and also runs sysbench
# oltp_point_select and oltp_update_index on it. Then, on a second store of
# 1M profiles with consents, CheckConsent beside Health.Check,
# BatchCheckConsent in checks per second, and the import of a 600,000-line
# register; and the timeline: BatchRecordInteractions of 20 interactions on
# every profile and 100,000 on one, RecordInteraction beside UpdateProfile,
# and ListInteractions' first page of a 20-interaction profile beside the
# 100,000-interaction one. Prints every figure and the
# ratios the issues set targets for. See docs/benchmarks.md.
#
# Expects built binaries in $CP_BIN_DIR (default build/bin). Knobs (env):
# BENCH_CONCURRENCY (16), BENCH_DURATION (10s), BENCH_WARMUP (2s),
# BENCH_COUNT (100000), BENCH_CHANNELS (1); for the consent part (issue 4):
# BENCH_CONSENT_COUNT (1000000 profiles, each with an SMS grant, 1% of their
# numbers on a register; 0 skips the part), BENCH_BATCH_SIZE (1000),
# BENCH_BATCH_CONCURRENCY (4); for the timeline part (issue 18):
# BENCH_TIMELINE_PER (20 interactions on each profile; 0 skips the part),
# BENCH_TIMELINE_BIG (100000 on one more profile); for the change stream (issue 19):
# BENCH_WATCH_RATE (1000 UpdateProfile a second while a WatchChanges stream
# measures commit -> delivery; 0 skips it). Everything it starts is stopped on
# exit; its files live in a temporary directory that is removed on exit.
set -euo pipefail

store=${1:-sqlite}
case $store in
  sqlite | mysql) ;;
  *)
    echo "usage: $0 [sqlite|mysql]" >&2
    exit 2
    ;;
esac

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bin=${CP_BIN_DIR:-$root/build/bin}
concurrency=${BENCH_CONCURRENCY:-16}
duration=${BENCH_DURATION:-10s}
warmup=${BENCH_WARMUP:-2s}
count=${BENCH_COUNT:-100000}
channels=${BENCH_CHANNELS:-1}
consent_count=${BENCH_CONSENT_COUNT:-1000000}
batch_size=${BENCH_BATCH_SIZE:-1000}
batch_concurrency=${BENCH_BATCH_CONCURRENCY:-4}
timeline_per=${BENCH_TIMELINE_PER:-20}
timeline_big=${BENCH_TIMELINE_BIG:-100000}
watch_rate=${BENCH_WATCH_RATE:-1000}

for d in "$duration" "$warmup"; do
  [[ $d =~ ^[0-9]+s$ ]] || {
    echo "bench.sh: BENCH_DURATION and BENCH_WARMUP are whole seconds such as 10s" >&2
    exit 2
  }
done
for b in profile-server profile-bench; do
  [[ -x $bin/$b ]] || {
    echo "bench.sh: $bin/$b is missing: run make build (or set CP_BIN_DIR)" >&2
    exit 2
  }
done

# A short path: the MariaDB socket lives below it (Unix sockets allow ~100).
work=$(mktemp -d /tmp/cp-bench.XXXXXX)
server_pid=
mariadb_dir=
db_pid=0

cleanup() {
  local rc=$?
  if [[ -n $server_pid ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    for _ in $(seq 100); do
      kill -0 "$server_pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  if [[ -n $mariadb_dir ]]; then
    "$root/scripts/mariadb.sh" stop "$mariadb_dir" || true
  fi
  if ((rc != 0)) && [[ -s $work/server.log ]]; then
    echo "bench.sh: last server log lines:" >&2
    tail -n 5 "$work/server.log" >&2
  fi
  rm -rf "$work"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say() { printf '\n== %s\n' "$*"; }

# field NAME LINE: the value of NAME=... in a RESULT line.
field() {
  local name=$1 line=$2
  sed -n "s/.* $name=\([^ ]*\).*/\1/p" <<<"$line"
}

# ratio A B: A/B with two decimals ("n/a" when B is zero or missing).
ratio() {
  awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 > 0) printf "%.2f", a / b; else printf "n/a" }'
}

# verdict RATIO TARGET: "meets" or "BELOW" the target.
verdict() {
  awk -v r="$1" -v t="$2" \
    'BEGIN { if (r != "n/a" && r + 0 >= t + 0) print "meets"; else print "BELOW" }'
}

# start_server STORE_URI: starts profile-server on a free port and waits
# until Health.Check answers SERVING; sets $target.
start_server() {
  "$bin/profile-server" --listen=127.0.0.1:0 --store="$1" \
    >"$work/server.out" 2>"$work/server.log" &
  server_pid=$!
  target=
  for _ in $(seq 300); do
    kill -0 "$server_pid" 2>/dev/null || {
      echo "bench.sh: profile-server exited" >&2
      exit 1
    }
    target=$(sed -n 's/.*listening on \([0-9.]*:[0-9]*\).*/\1/p' "$work/server.out")
    [[ -n $target ]] && break
    sleep 0.1
  done
  [[ -n $target ]] || {
    echo "bench.sh: profile-server did not report its address" >&2
    exit 1
  }
  for _ in $(seq 120); do
    if "$bin/profile-bench" run --target="$target" --rpc=health --concurrency=1 \
      --warmup=0s --duration=0.2s --max-error-rate=0 >/dev/null 2>&1; then
      echo "profile-server serving on $target (pid $server_pid)"
      return
    fi
    sleep 0.5
  done
  echo "bench.sh: profile-server is not SERVING after 60 s" >&2
  exit 1
}

# stop_server: stops the running profile-server (SIGTERM, then SIGKILL).
stop_server() {
  [[ -n $server_pid ]] || return 0
  kill -TERM "$server_pid" 2>/dev/null || true
  for _ in $(seq 100); do
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  server_pid=
  # A sqlite: server logs what its profile cache did when it stops.
  grep '"event":"profile_cache"' "$work/server.log" 2>/dev/null | tail -n 1 |
    sed 's/^/profile cache of that server: /' || true
}

# settle_db: after a big load, MariaDB keeps purging and flushing for a
# while; its CPU would be counted against the calls measured next. Waits
# (at most 3 minutes) until it uses under 5% of a CPU over two seconds.
settle_db() {
  ((db_pid > 0)) || return 0
  local ticks=$(getconf CLK_TCK) before after
  for _ in $(seq 90); do
    before=$(awk '{print $14 + $15}' "/proc/$db_pid/stat")
    sleep 2
    after=$(awk '{print $14 + $15}' "/proc/$db_pid/stat")
    if (((after - before) * 100 < ticks * 2 * 5)); then
      return 0
    fi
  done
  echo "bench.sh: MariaDB is still busy after 3 minutes; measuring anyway" >&2
}

# measure ARGS...: one profile-bench run; its output is shown and kept.
measure() {
  "$bin/profile-bench" run --target="$target" --concurrency="$concurrency" \
    --channels="$channels" --duration="$duration" --warmup="$warmup" \
    --ids-file="$work/ids" --server-pid="$server_pid" --db-pid="$db_pid" "$@" |
    tee -a "$work/results"
}

# sysbench_tps TEST: runs sysbench TEST on the prepared table, first for the
# warm-up (not counted; Debian's sysbench 1.0.20 has no --warmup-time), then
# for the duration; shows its figures on stderr and prints its transactions
# per second.
sysbench_tps() {
  local out tps
  if ((${warmup%s} > 0)); then
    sysbench "$1" "${sysbench_args[@]}" --time="${warmup%s}" run >/dev/null
  fi
  out=$(sysbench "$1" "${sysbench_args[@]}" --time="${duration%s}" run)
  grep -E 'transactions:|queries:|ignored errors:|95th' <<<"$out" | sed 's/^ */  /' >&2
  tps=$(sed -n 's/.*transactions: *[0-9]* *(\([0-9.]*\) per sec.*/\1/p' <<<"$out")
  [[ -n $tps ]] || {
    echo "bench.sh: no figures from sysbench $1" >&2
    exit 1
  }
  echo "$tps"
}

started=$(date +%s)
echo "bench: store=$store profiles=$count concurrency=$concurrency channels=$channels" \
  "duration=$duration warmup=$warmup cpus=$(nproc) load=$(cut -d' ' -f1-3 /proc/loadavg)"

if [[ $store == sqlite ]]; then
  store_uri=sqlite:$work/profiles.db
else
  command -v sysbench >/dev/null || {
    echo "bench.sh: sysbench is missing (apt-get install sysbench)" >&2
    exit 2
  }
  mariadb_dir=$work/mariadb
  say "starting a private MariaDB"
  "$root/scripts/mariadb.sh" start "$mariadb_dir"
  # shellcheck disable=SC1091
  source "$mariadb_dir/env"
  db_pid=$(<"$mariadb_dir/mysqld.pid")
  export MYSQL_PWD=$CP_MYSQL_PASSWORD
  mariadb --no-defaults --protocol=socket --socket="$CP_MYSQL_SOCKET" -u"$CP_MYSQL_USER" \
    -e 'CREATE DATABASE cp_bench; CREATE DATABASE cp_sysbench'
  unset MYSQL_PWD
  export PROFILE_SERVER_MYSQL_PASSWORD=$CP_MYSQL_PASSWORD
  store_uri=mysql://$CP_MYSQL_USER@127.0.0.1:$CP_MYSQL_PORT/cp_bench
fi

say "loading $count profiles into a fresh store"
"$bin/profile-bench" load --store="$store_uri" --count="$count" --ids-file="$work/ids"

settle_db
say "starting profile-server"
start_server "$store_uri"

if [[ $store == sqlite ]]; then
  # The server answers profiles it has read before from its profile cache
  # (--profile_cache_mb): the first reads after start find it empty. This
  # run shows that cold start; the measured GetProfile below runs after it,
  # as reads on a server that has been up for a while would.
  say "GetProfile right after start (profile cache cold; shown, not in the ratio)"
  "$bin/profile-bench" run --target="$target" --concurrency="$concurrency" \
    --channels="$channels" --duration="$duration" --warmup=0s \
    --ids-file="$work/ids" --server-pid="$server_pid" --rpc=get |
    sed 's/^RESULT rpc=get /RESULT rpc=get-cold /' | tee -a "$work/results"
fi
say "Health.Check, GetProfile and LookupProfiles (by phone, by external id) against the same server"
measure --rpc=health,get,lookup-phone,lookup-external-id
say "UpdateProfile (blind: one attribute, no etag)"
measure --rpc=update --update-mode=blind
say "MergeProfiles + UnmergeProfile pairs (each slot merges its own two profiles and undoes it)"
measure --rpc=merge-unmerge
if ((watch_rate > 0)); then
  say "WatchChanges: commit -> delivery while $watch_rate UpdateProfile a second are written"
  "$bin/profile-bench" watch-latency --target="$target" --ids-file="$work/ids" \
    --rate="$watch_rate" --duration="$duration" --warmup="$warmup" | tee -a "$work/results" ||
    echo "bench.sh: watch-latency reported failed or missing writes (see above)" >&2
fi

health=$(grep '^RESULT rpc=health ' "$work/results")
get=$(grep '^RESULT rpc=get ' "$work/results")
update=$(grep '^RESULT rpc=update ' "$work/results")
lookup_phone=$(grep '^RESULT rpc=lookup-phone ' "$work/results")
lookup_external=$(grep '^RESULT rpc=lookup-external-id ' "$work/results")
merge_unmerge=$(grep '^RESULT rpc=merge-unmerge ' "$work/results")
watch=$(grep '^RESULT rpc=watch-latency ' "$work/results" || true)

if [[ $store == mysql ]]; then
  say "sysbench on the same MariaDB (threads=$concurrency, 1 table of $count rows)"
  sysbench_args=(--db-driver=mysql --mysql-socket="$CP_MYSQL_SOCKET" --mysql-user="$CP_MYSQL_USER"
    --mysql-password="$CP_MYSQL_PASSWORD" --mysql-db=cp_sysbench --tables=1
    --table-size="$count" --threads="$concurrency")
  sysbench oltp_point_select "${sysbench_args[@]}" prepare >/dev/null
  echo "oltp_point_select:" >&2
  point_select=$(sysbench_tps oltp_point_select) || exit 1
  echo "oltp_update_index:" >&2
  update_index=$(sysbench_tps oltp_update_index) || exit 1
  sysbench oltp_point_select "${sysbench_args[@]}" cleanup >/dev/null
fi

say "summary ($store, $count profiles, $concurrency in flight, $duration after $warmup warm-up;" \
  "client and server share $(nproc) CPUs)"
echo "  CPU time per call in microseconds: server = profile-server, db = MariaDB (mysql only)," \
  "client = profile-bench"
printf '  %-22s %9s %8s %8s %8s %8s %8s\n' "" "OK/s" "p50 ms" "p99 ms" "server" "db" "client"
row() {
  printf '  %-22s %9s %8s %8s %8s %8s %8s\n' "$1" "$(field qps "$2")" "$(field p50_ms "$2")" \
    "$(field p99_ms "$2")" "$(field server_cpu_us "$2")" "$(field db_cpu_us "$2")" \
    "$(field client_cpu_us "$2")"
}
row "Health.Check" "$health"
if [[ $store == sqlite ]]; then
  row "GetProfile, cold cache" "$(grep '^RESULT rpc=get-cold ' "$work/results")"
fi
row "GetProfile" "$get"
row "LookupProfiles, phone" "$lookup_phone"
row "LookupProfiles, ext id" "$lookup_external"
row "UpdateProfile (blind)" "$update"
row "Merge+Unmerge pairs" "$merge_unmerge"
if [[ $store == mysql ]]; then
  printf '  %-22s %9.1f\n' "sysbench point_select" "$point_select"
  printf '  %-22s %9.1f\n' "sysbench update_index" "$update_index"
fi

echo "  other processes used $(field other_cpu_pct "$health")% / $(field other_cpu_pct "$get")% /" \
  "$(field other_cpu_pct "$update")% of the CPUs during these three runs; the hypervisor stole" \
  "$(field steal_pct "$health")% / $(field steal_pct "$get")% / $(field steal_pct "$update")%" \
  "(a run with much stolen time is not one to quote)"

get_health=$(ratio "$(field qps "$get")" "$(field qps "$health")")
# UpdateProfile / Health.Check before every write also wrote its change row
# (docs/benchmarks.md: SQLite 2026-12-03 08:17, 1,020 / 22,105; MySQL
# 2026-12-04 ~19:50 run B, 2,305 / 33,353).
if [[ $store == sqlite ]]; then update_health_before=0.046; else update_health_before=0.069; fi
update_health=$(awk -v u="$(field qps "$update")" -v h="$(field qps "$health")" \
  'BEGIN { if (h + 0 > 0) printf "%.3f", u / h; else printf "n/a" }')
update_share=$(ratio "$update_health" "$update_health_before")
echo "  UpdateProfile / Health.Check = $update_health (before the change log and audit rows:" \
  "$update_health_before; now / before = $update_share, goal >= 0.80: $(verdict "$update_share" 0.8))"
if [[ -n $watch ]]; then
  echo "  WatchChanges commit -> delivery at $(field rate "$watch") updates/s:" \
    "p50 $(field p50_ms "$watch") ms, p99 $(field p99_ms "$watch") ms, max $(field max_ms "$watch")" \
    "ms (goal p99 <= 200 ms); $(field missing "$watch") acknowledged writes missing"
fi
echo "RATIOS store=$store update_over_health=$update_health update_over_health_before=$update_health_before" \
  "watch_p50_ms=$(field p50_ms "$watch") watch_p99_ms=$(field p99_ms "$watch") watch_rate=$(field rate "$watch")"
echo "  LookupProfiles / GetProfile = $(ratio "$(field qps "$lookup_phone")" "$(field qps "$get")")" \
  "by phone, $(ratio "$(field qps "$lookup_external")" "$(field qps "$get")") by external id" \
  "(goal >= 0.9 against uncached GetProfile, i.e. on MySQL; on SQLite GetProfile is cached)"
# What the ratio would be if client and server CPU time were all that limits
# throughput (a quiet, CPU-bound machine): Health's CPU per call over Get's.
cost() {
  awk -v s="$(field server_cpu_us "$1")" -v d="$(field db_cpu_us "$1")" \
    -v c="$(field client_cpu_us "$1")" 'BEGIN { printf "%.1f", s + d + c }'
}
cpu_ratio=$(ratio "$(cost "$health")" "$(cost "$get")")
if [[ $store == sqlite ]]; then
  echo "  GetProfile / Health.Check = $get_health (target >= 0.7: $(verdict "$get_health" 0.7))"
  echo "  CPU per Health.Check / CPU per GetProfile = $cpu_ratio (client + server)"
  echo "RATIOS store=sqlite get_over_health=$get_health cpu_health_over_get=$cpu_ratio"
else
  get_point=$(ratio "$(field qps "$get")" "$point_select")
  update_index_ratio=$(ratio "$(field qps "$update")" "$update_index")
  echo "  GetProfile / Health.Check = $get_health (target >= 0.4: $(verdict "$get_health" 0.4))"
  echo "  CPU per Health.Check / CPU per GetProfile = $cpu_ratio (client + server + MariaDB)"
  echo "  GetProfile / oltp_point_select = $get_point"
  echo "  UpdateProfile / oltp_update_index = $update_index_ratio" \
    "(target >= 0.6: $(verdict "$update_index_ratio" 0.6))"
  echo "RATIOS store=mysql get_over_health=$get_health get_over_point_select=$get_point" \
    "update_over_update_index=$update_index_ratio cpu_health_over_get=$cpu_ratio"
fi

# --- timeline: BatchRecordInteractions, RecordInteraction, ListInteractions --

if ((timeline_per > 0)); then
  say "BatchRecordInteractions: $timeline_per interactions on each of the $count profiles," \
    "then $timeline_big on one profile (1,000 a call; 4 calls in flight, 1 for the one profile)"
  "$bin/profile-bench" timeline-load --target="$target" --ids-file="$work/ids" \
    --per-profile="$timeline_per" --big-profile=bench-busy --big-count="$timeline_big" \
    --batch=1000 --concurrency=4 | tee -a "$work/timeline_results"
  settle_db
  say "UpdateProfile and RecordInteraction against the same server"
  "$bin/profile-bench" run --target="$target" --concurrency="$concurrency" \
    --channels="$channels" --duration="$duration" --warmup="$warmup" \
    --ids-file="$work/ids" --server-pid="$server_pid" --db-pid="$db_pid" \
    --rpc=update,record --update-mode=blind | tee -a "$work/timeline_results"
  say "ListInteractions, first page (50): a $timeline_per-interaction profile, then the" \
    "$timeline_big-interaction one"
  "$bin/profile-bench" run --target="$target" --concurrency="$concurrency" \
    --channels="$channels" --duration="$duration" --warmup="$warmup" \
    --ids-file="$work/ids" --server-pid="$server_pid" --db-pid="$db_pid" \
    --rpc=list-timeline,list-timeline-big --big-profile=bench-busy |
    tee -a "$work/timeline_results"
  t_spread=$(grep '^RESULT rpc=batch-record part=spread ' "$work/timeline_results")
  t_big=$(grep '^RESULT rpc=batch-record part=one-profile ' "$work/timeline_results" || true)
  t_update=$(grep '^RESULT rpc=update ' "$work/timeline_results")
  t_record=$(grep '^RESULT rpc=record ' "$work/timeline_results")
  t_list=$(grep '^RESULT rpc=list-timeline ' "$work/timeline_results")
  t_list_big=$(grep '^RESULT rpc=list-timeline-big ' "$work/timeline_results")
  if [[ $store == sqlite ]]; then record_target=100000; else record_target=30000; fi
  spread_per_s=$(field per_s "$t_spread")
  say "timeline summary ($store, $count profiles x $timeline_per + 1 x $timeline_big)"
  echo "  BatchRecordInteractions = $spread_per_s interactions/s over the profiles" \
    "(target >= $record_target: $(verdict "$spread_per_s" "$record_target")), " \
    "$(field per_s "$t_big") interactions/s onto the one profile"
  row "UpdateProfile (blind)" "$t_update"
  row "RecordInteraction" "$t_record"
  row "ListInteractions, 20" "$t_list"
  row "ListInteractions, 100k" "$t_list_big"
  record_update=$(ratio "$(field qps "$t_record")" "$(field qps "$t_update")")
  p50_ratio=$(ratio "$(field p50_ms "$t_list_big")" "$(field p50_ms "$t_list")")
  p99_ratio=$(ratio "$(field p99_ms "$t_list_big")" "$(field p99_ms "$t_list")")
  echo "  RecordInteraction / UpdateProfile = $record_update"
  echo "  ListInteractions first page, 100k-interaction profile / 20-interaction one:" \
    "p50 $p50_ratio, p99 $p99_ratio (goal <= 1.5)"
  echo "RATIOS store=$store batch_record_per_s=$spread_per_s" \
    "batch_record_one_profile_per_s=$(field per_s "$t_big") record_over_update=$record_update" \
    "list_big_over_small_p50=$p50_ratio list_big_over_small_p99=$p99_ratio"
fi

stop_server

# --- consent: CheckConsent, BatchCheckConsent, ImportSuppressionEntries ------

if ((consent_count > 0)); then
  say "loading $consent_count profiles with SMS consents and a register into a fresh store"
  if [[ $store == sqlite ]]; then
    consent_uri=sqlite:$work/consents.db
  else
    export MYSQL_PWD=$CP_MYSQL_PASSWORD
    mariadb --no-defaults --protocol=socket --socket="$CP_MYSQL_SOCKET" -u"$CP_MYSQL_USER" \
      -e 'CREATE DATABASE cp_consent_bench'
    unset MYSQL_PWD
    consent_uri=mysql://$CP_MYSQL_USER@127.0.0.1:$CP_MYSQL_PORT/cp_consent_bench
  fi
  "$bin/profile-bench" load --store="$consent_uri" --count="$consent_count" --consents \
    --ids-file="$work/consent_ids"
  settle_db
  say "starting profile-server on it"
  start_server "$consent_uri"
  say "Health.Check and CheckConsent against the same server"
  "$bin/profile-bench" run --target="$target" --concurrency="$concurrency" \
    --channels="$channels" --duration="$duration" --warmup="$warmup" \
    --ids-file="$work/consent_ids" --server-pid="$server_pid" --db-pid="$db_pid" \
    --rpc=health,check | tee -a "$work/consent_results"
  say "BatchCheckConsent, $batch_size profiles a call, $batch_concurrency in flight"
  "$bin/profile-bench" run --target="$target" --concurrency="$batch_concurrency" \
    --channels="$channels" --duration="$duration" --warmup="$warmup" \
    --ids-file="$work/consent_ids" --server-pid="$server_pid" --db-pid="$db_pid" \
    --rpc=batch-check --batch-size="$batch_size" | tee -a "$work/consent_results"
  say "ImportSuppressionEntries: a 600,000-line register (REPLACE)"
  "$bin/profile-bench" import --target="$target" --lines=600000 | tee -a "$work/consent_results"

  c_health=$(grep '^RESULT rpc=health ' "$work/consent_results")
  c_check=$(grep '^RESULT rpc=check ' "$work/consent_results")
  c_batch=$(grep '^RESULT rpc=batch-check ' "$work/consent_results")
  c_import=$(grep '^RESULT rpc=import ' "$work/consent_results")
  check_health=$(ratio "$(field qps "$c_check")" "$(field qps "$c_health")")
  checks_per_s=$(field checks_per_s "$c_batch")
  import_s=$(field seconds "$c_import")
  if [[ $store == sqlite ]]; then batch_target=1000000; else batch_target=300000; fi
  say "consent summary ($store, $consent_count profiles)"
  row "Health.Check" "$c_health"
  row "CheckConsent" "$c_check"
  row "BatchCheckConsent calls" "$c_batch"
  echo "  the hypervisor stole $(field steal_pct "$c_health")% / $(field steal_pct "$c_check")% /" \
    "$(field steal_pct "$c_batch")% of the CPUs during these three runs"
  echo "  CheckConsent / Health.Check = $check_health" \
    "(target >= 0.7 on SQLite: $(verdict "$check_health" 0.7))"
  echo "  BatchCheckConsent = $checks_per_s checks/s" \
    "(target >= $batch_target: $(verdict "$checks_per_s" "$batch_target"))"
  import_verdict=$(awk -v s="$import_s" 'BEGIN { if (s != "" && s + 0 <= 5) print "meets"; else print "BELOW" }')
  echo "  import of 600,000 lines = $import_s s (target <= 5 s: $import_verdict)"
  echo "RATIOS store=$store check_over_health=$check_health batch_checks_per_s=$checks_per_s" \
    "import_600k_s=$import_s"
fi
echo "bench: done in $(($(date +%s) - started)) s"

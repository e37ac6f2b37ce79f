# bench/lib/profile.sh: the profile, a separate extra eval run under dotnet-counters and dotnet-trace — sourced by bench/run.sh (read its header for the knobs and globals these use).
# shellcheck shell=bash

# ---------------------------------------------------------------- profile (a separate, extra eval run)
# top_busy exclusive|inclusive < dotnet-trace topN report: the lines of busy code only, at most 15. The sampler
# (EventPipe's, ~100 Hz) takes every managed thread whether it runs or waits, so a plain top list is led by idle
# threads' wait frames; these are taken out, and so, in the inclusive list, are the roots every thread goes through and
# the long-lived idle threads (Main, the socket engine, the file watcher, the metrics pollers).
# 'busy%' is the share of the samples that are not idle waits (exclusive list: 100 % less the idle frames' share).
# Native code without symbols (SQLite's engine, OpenSSL, the kernel) shows as 'Missing Symbol' or in its managed caller.
IDLE_FRAMES='WaitHandle\.Wait|LowLevelLifoSemaphore\.Wait|ManualResetEventSlim\.Wait|Monitor\.Wait\(|SemaphoreSlim\.Wait|Thread\.Sleep|Interop\+Sys\.Read\(|Interop\+Sys\.WaitForSocketEvents|Interop\+Sys\.Poll|Thread\.Join|Task\.Wait|Task\.InternalWait|Thread\.<PollGC>|Thread\.PollGC'
ROOT_FRAMES='Program\.<Main>|Program\+<<Main>|SpinThenBlockingWait|HostingAbstractionsHostExtensions\.Run|TaskAwaiter\.HandleNonSuccess|FileSystemWatcher|SocketAsyncEngine\.EventLoop|Heartbeat\.TimerLoop|CounterGroup\.PollForValues|AggregationManager\.CollectWorker|Int32\]\.Start\(|^\(Non-Activities\)|^Threads$|^Thread\.StartCallback|^Thread\.StartCore|WorkerThread\.WorkerThreadStart|ThreadPoolWorkQueue\.Dispatch|ExecutionContext\.Run|AsyncMethodBuilderCore\.Start|PortableThreadPool|ThreadPoolTypedWorkItemQueue|TimerQueue|Thread\.ThreadMain|Thread\.StartHelper'
top_busy() {
  awk -v kind="$1" -v idle="$IDLE_FRAMES" -v roots="$ROOT_FRAMES" '
    /^ *[0-9]+\. / {
      line = $0; sub(/^ *[0-9]+\. +/, "", line)
      excl = $NF; incl = $(NF - 1); sub(/%$/, "", excl); sub(/%$/, "", incl)
      name = line; sub(/ +[0-9.]+% +[0-9.]+% *$/, "", name)
      n++; nm[n] = name; ex[n] = excl + 0; in_[n] = incl + 0
      if (name ~ idle) idle_share += excl
    }
    END {
      busy = 100 - idle_share; if (busy <= 0) busy = 100
      printf "%-4s %-80s %8s %8s %8s\n", "", "function (idle waits" (kind == "inclusive" ? " and thread roots" : "") " left out)", "incl%", "excl%", (kind == "exclusive" ? "busy%" : "")
      for (i = 1; i <= n && shown < 15; i++) {
        if (nm[i] ~ idle || (kind == "inclusive" && nm[i] ~ roots)) continue
        shown++
        if (kind == "exclusive") printf "%-4s %-80s %8.2f %8.2f %8.1f\n", shown ".", substr(nm[i], 1, 80), in_[i], ex[i], 100 * ex[i] / busy
        else printf "%-4s %-80s %8.2f %8.2f\n", shown ".", substr(nm[i], 1, 80), in_[i], ex[i]
      }
      if (kind == "exclusive") printf "     idle waits among the top %d: %.1f%% of all samples\n", n, idle_share
    }'
}

# dotnet-counters for the whole run and a dotnet-trace sample of a few seconds inside it. Not the measured run: the
# main table never includes a profiled window. Summaries: profile-counters-$LABEL.txt, profile-top-*-$LABEL.txt.
profile_case() {
  local url=$1 ctr="$RESULTS/profile-counters-$LABEL.csv" trace="$RESULTS/profile-$LABEL.nettrace" secs=$DURATION
  local tsecs=$TRACE_SECONDS cpid tpid t0 t1 rps ok=0
  (( tsecs <= secs - 2 )) || tsecs=$(( secs > 3 ? secs - 2 : 1 ))
  R[$LABEL.trace_s]=$tsecs
  log "profile: an extra eval run of ${secs}s under dotnet-counters, with a ${tsecs}s dotnet-trace sample ($TRACE_PROFILE)"
  (cd "$ROOT" && exec timeout --kill-after=10 $(( secs + 60 )) dotnet tool run dotnet-counters -- collect -p "$API_PID" \
      --counters System.Runtime,Microsoft.AspNetCore.Hosting --refresh-interval 1 --format csv -o "$ctr" \
      --duration "00:00:00:$(( secs + 3 ))") >"$RESULTS/profile-counters-$LABEL.log" 2>&1 </dev/null &
  cpid=$!; PROFILER_PIDS+=("$cpid")
  for _ in $(seq 1 40); do   # attached once it says so (the tool's own start-up takes a second or two)
    grep -q 'Starting a counter session' "$RESULTS/profile-counters-$LABEL.log" 2>/dev/null && { ok=1; break; }
    kill -0 "$cpid" 2>/dev/null || break
    sleep 0.5
  done
  [[ "$ok" -eq 1 ]] || log "WARNING: dotnet-counters did not start (see profile-counters-$LABEL.log)"
  # The trace starts 2 s into the run (past the ramp) and stops by itself.
  (sleep 2; cd "$ROOT" && exec timeout --kill-after=10 $(( tsecs + 120 )) dotnet tool run dotnet-trace -- collect -p "$API_PID" \
      --profile "$TRACE_PROFILE" --duration "00:00:00:$tsecs" -o "$trace") >"$RESULTS/profile-trace-$LABEL.log" 2>&1 </dev/null &
  tpid=$!; PROFILER_PIDS+=("$tpid")
  t0=$(date +%Y%m%d%H%M%S)
  curl -fsS --max-time 10 -X POST -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$API_PORT/bench/alloc/start" >/dev/null 2>&1 || true
  run_wrk "profile-eval-$LABEL" eval "$url" "$secs"
  # What the run allocated, by type (bench/host's AllocationSampler): "KB share type", most first.
  curl -fsS --max-time 10 -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$API_PORT/bench/alloc" 2>/dev/null \
    | grep -oE '"type":"[^"]*","kb":[0-9]+' | sed -E 's/"type":"([^"]*)","kb":([0-9]+)/\2 \1/' \
    | awk '{ kb[NR] = $1; $1 = ""; t[NR] = $0; all += kb[NR] } END { printf "%10s %6s  %s\n", "KB", "share", "type"; for (i = 1; i <= NR; i++) printf "%10d %5.1f%% %s\n", kb[i], 100 * kb[i] / (all ? all : 1), t[i] }' \
    >"$RESULTS/profile-alloc-$LABEL.txt" || true
  t1=$(date +%Y%m%d%H%M%S)
  wait "$tpid" 2>/dev/null || log "WARNING: dotnet-trace failed (see profile-trace-$LABEL.log)"
  wait "$cpid" 2>/dev/null || log "WARNING: dotnet-counters failed (see profile-counters-$LABEL.log)"
  PROFILER_PIDS=()
  read -r rps _ < <(parse_wrk "$RESULTS/profile-eval-$LABEL.txt")
  R[$LABEL.profile.rps]=$rps

  # Counters, over the samples taken while wrk ran (ramp seconds at both ends left out). dotnet-counters writes
  # "Timestamp,Provider,Counter Name,Counter Type,Mean/Increment", timestamps as MM/dd/yyyy HH:mm:ss (local time);
  # '/ 1 sec' counters are rates. If no sample falls in the window (another timestamp format), all samples are used.
  if [[ -s "$ctr" ]]; then
    awk -F, -v from="$t0" -v to="$t1" -v rps="$rps" -v label="$LABEL" '
      function stamp(ts,   d, t) { split(ts, d, /[\/ :]/); return sprintf("%04d%02d%02d%02d%02d%02d", d[3], d[1], d[2], d[4], d[5], d[6]) }
      NR == 1 { next }
      { n++; ts[n] = $1; name[n] = $3; v[n] = $NF + 0 }
      END {
        for (i = 1; i <= n; i++) { s = stamp(ts[i]); if (s > from && s < to) inwin++ }
        for (i = 1; i <= n; i++) {
          s = stamp(ts[i]); if (inwin > 0 && !(s > from && s < to)) continue
          seen[ts[i]] = 1
          if (name[i] ~ /^dotnet.process.cpu.time/) cpu += v[i]
          else if (name[i] ~ /^dotnet.process.cpu.count/) cores = v[i]
          else if (name[i] ~ /^dotnet.gc.heap.total_allocated/) alloc += v[i]
          else if (name[i] ~ /^dotnet.gc.collections.*gen0/) g0 += v[i]
          else if (name[i] ~ /^dotnet.gc.collections.*gen1/) g1 += v[i]
          else if (name[i] ~ /^dotnet.gc.collections.*gen2/) g2 += v[i]
          else if (name[i] ~ /^dotnet.gc.last_collection.heap.size/) heap[ts[i]] += v[i]
          else if (name[i] ~ /^dotnet.gc.last_collection.memory.committed_size/) { committed += v[i]; nc++ }
          else if (name[i] ~ /^dotnet.process.memory.working_set/) { ws += v[i]; nw++ }
          else if (name[i] ~ /^dotnet.gc.pause.time/) pause += v[i]
          else if (name[i] ~ /^dotnet.monitor.lock_contentions/) locks += v[i]
          else if (name[i] ~ /^dotnet.exceptions/) exc += v[i]
          else if (name[i] ~ /^dotnet.thread_pool.work_item.count/) items += v[i]
          else if (name[i] ~ /^http.server.request.duration.*access\/evaluation.*Percentile=50/) p50 = v[i]
          else if (name[i] ~ /^http.server.request.duration.*access\/evaluation.*Percentile=99/) p99 = v[i]
        }
        for (t in seen) secs++
        for (t in heap) { hsum += heap[t]; hn++; if (heap[t] > hmax) hmax = heap[t] }
        if (secs < 1) secs = 1; if (cores < 1) cores = 1; if (rps <= 0) rps = 1
        printf "counters over %d one-second samples of the profiled run (%s req/s):\n", secs, rps
        printf "  CPU (Pim process)     %.2f cores = %.0f%% of %d (%.0f us per request)\n", cpu / secs, 100 * cpu / secs / cores, cores, 1e6 * cpu / secs / rps
        printf "  allocation rate       %.1f MB/s = %.1f KB per request\n", alloc / secs / 1e6, alloc / secs / rps / 1e3
        printf "  GC collections        gen0 %d, gen1 %d, gen2 %d (%.1f / %.1f / %.2f per s); paused %.1f%% of the time\n", g0, g1, g2, g0 / secs, g1 / secs, g2 / secs, 100 * pause / secs
        printf "  GC heap after last GC %.1f MB mean, %.1f MB max; GC committed %.1f MB; working set %.1f MB\n", (hn ? hsum / hn : 0) / 1048576, hmax / 1048576, (nc ? committed / nc : 0) / 1048576, (nw ? ws / nw : 0) / 1048576
        printf "  lock contentions      %.1f per s; thread-pool work items %.0f per s (%.1f per request); exceptions %.1f per s\n", locks / secs, items / secs, items / secs / rps, exc / secs
        if (p50 != "") printf "  server-side duration  p50 %.2f ms, p99 %.2f ms (ASP.NET Core histogram, the eval route)\n", p50 * 1000, p99 * 1000
      }' "$ctr" >"$RESULTS/profile-counters-$LABEL.txt"
  else
    echo "no dotnet-counters output (see profile-counters-$LABEL.log)" >"$RESULTS/profile-counters-$LABEL.txt"
  fi

  # An allocation trace (BENCH_TRACE_PROFILE=gc-verbose): where the run allocated, by type and by stack (bench/report).
  if [[ -s "$trace" && "$TRACE_PROFILE" == gc-verbose ]]; then
    timeout --kill-after=10 600 dotnet "$REPORT_DLL" allocations "$trace" >"$RESULTS/profile-allocations-$LABEL.txt" 2>&1 \
      || log "WARNING: no allocation view of the trace (see profile-allocations-$LABEL.txt)"
  # Top 60 functions of the trace by exclusive and by inclusive time (dotnet-trace report), then the same lists with the
  # frames of idle threads taken out (top_busy), which are what the summary shows.
  elif [[ -s "$trace" ]]; then
    (cd "$ROOT" && timeout --kill-after=10 300 dotnet tool run dotnet-trace -- report "$trace" topN -n 60) \
      >"$RESULTS/profile-top-exclusive-$LABEL.txt" 2>&1 || log "WARNING: dotnet-trace report failed"
    (cd "$ROOT" && timeout --kill-after=10 300 dotnet tool run dotnet-trace -- report "$trace" topN -n 60 --inclusive) \
      >"$RESULTS/profile-top-inclusive-$LABEL.txt" 2>&1 || log "WARNING: dotnet-trace report --inclusive failed"
    rm -f -- "$trace.etlx"   # the report's conversion cache, as large as the trace
    top_busy exclusive <"$RESULTS/profile-top-exclusive-$LABEL.txt" >"$RESULTS/profile-busy-exclusive-$LABEL.txt"
    top_busy inclusive <"$RESULTS/profile-top-inclusive-$LABEL.txt" >"$RESULTS/profile-busy-inclusive-$LABEL.txt"
    # The CPU samples alone (bench/trace-cpu.py, from the speedscope conversion of the same trace), when python3 is here.
    if command -v python3 >/dev/null 2>&1; then
      local ss
      (cd "$ROOT" && timeout --kill-after=10 300 dotnet tool run dotnet-trace -- convert "$trace" --format speedscope \
          -o "$RESULTS/profile-$LABEL.json") >"$RESULTS/profile-convert-$LABEL.log" 2>&1 || true
      rm -f -- "$trace.etlx"
      ss="$(find "$RESULTS" -maxdepth 1 -name "profile-$LABEL*.speedscope.json" | head -n 1)"
      if [[ -n "$ss" ]] && timeout --kill-after=10 300 python3 "$BENCH_DIR/trace-cpu.py" "$ss" 15 >"$RESULTS/profile-cpu-$LABEL.txt" 2>&1; then
        gzip -f "$ss"
      else
        log "WARNING: no CPU view of the trace (see profile-convert-$LABEL.log, profile-cpu-$LABEL.txt)"
        rm -f -- "$RESULTS/profile-cpu-$LABEL.txt"
      fi
    fi
  else
    log "WARNING: no trace file (see profile-trace-$LABEL.log)"
  fi
  PROFILED+=("$LABEL")
}

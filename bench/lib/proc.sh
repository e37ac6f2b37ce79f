# bench/lib/proc.sh: CPU and memory accounting from /proc — sourced by bench/run.sh (read its header for the knobs and globals these use).
# shellcheck shell=bash

# ---------------------------------------------------------------- CPU and memory accounting (/proc)
CLK_TCK="$(getconf CLK_TCK)"
proc_ticks() { # utime+stime of one process, 0 if gone or not given
  [[ -n "${1:-}" ]] || { echo 0; return; }
  awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat" 2>/dev/null || echo 0
}
pg_ticks() { # the postmaster and all its children (backends, walwriter, ...); 0 without a cluster
  local pm total=0 p
  [[ -n "$PG_DATA" ]] || { echo 0; return; }
  pm="$(head -n 1 "$PG_DATA/postmaster.pid" 2>/dev/null || true)"
  [[ -n "$pm" ]] || { echo 0; return; }
  # the postmaster's own time plus that of its children already reaped (fields cutime, cstime), then the live ones
  total=$(awk '{ sub(/^.*\) /, ""); print $12 + $13 + $14 + $15 }' "/proc/$pm/stat" 2>/dev/null || echo 0)
  for p in $(ps -o pid= --ppid "$pm" 2>/dev/null); do
    total=$(( total + $(proc_ticks "$p") ))
  done
  echo "$total"
}
children_ticks() { # sets CHILD_TICKS: CPU of this shell's finished children (so wrk, once it has exited), in ticks
  # `times` must run in this shell, not in a $(...) subshell, which has no children of its own.
  local _ user sys
  times >"$APP_TMP/times.txt"
  { read -r _ _; read -r user sys; } <"$APP_TMP/times.txt"
  CHILD_TICKS="$(awk -v u="$user" -v s="$sys" -v hz="$CLK_TCK" 'function sec(t, m) { split(t, m, "m"); return m[1] * 60 + m[2] }
    BEGIN { printf "%.0f\n", (sec(u) + sec(s)) * hz }')"
}
machine_ticks() { # "busy total" from /proc/stat
  awk '/^cpu / { busy = $2 + $3 + $4 + $7 + $8 + $9; print busy, busy + $5 + $6; exit }' /proc/stat
}
mem_of() { # mem_of PID -> "VmRSS VmHWM" in KiB ("0 0" if gone): resident now, and its peak since the process started
  awk '/^VmRSS:/ { r = $2 } /^VmHWM:/ { h = $2 } END { print r + 0, h + 0 }' "/proc/$1/status" 2>/dev/null || echo "0 0"
}

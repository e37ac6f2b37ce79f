# bench/lib/case.sh: one store and size (load, check, measure), EXPLAIN and pgbench — sourced by bench/run.sh (read its header for the knobs and globals these use).
# shellcheck shell=bash

# ---------------------------------------------------------------- one store and size
bench_case() {
  local store=$1 n=$2 short
  [[ "$store" == postgres ]] && short=pg || short=sqlite
  LABEL="$short-$(label_of "$n")"
  LABELS+=("$LABEL")
  TENANTS="${TENANTS_KNOB:-$(( n / 1000 ))}"; (( TENANTS >= 1 )) || TENANTS=1
  local per=$(( n / TENANTS ))
  (( per >= 20 )) || die "$LABEL: $n assignments over $TENANTS tenants is $per per tenant: at least 20 are needed."
  (( per * TENANTS == n )) || log "WARNING: $n is not a multiple of $TENANTS tenants: loading $per per tenant, $(( per * TENANTS )) in all."
  local groups=$(( per / 1000 )); (( groups >= 1 )) || groups=1
  local users=$(( per - groups ))
  BLOCKS=$(( users / 10 ))
  R[$LABEL.store]=$store; R[$LABEL.tenants]=$TENANTS
  log "===== $LABEL: $n role assignments over $TENANTS tenants ($per each: $users users, $groups groups) on $store ====="
  : >"$RESULTS/api-$LABEL.log"

  local db conn sqlite_db="" t0
  if [[ "$store" == postgres ]]; then
    db="pim_bench_$(label_of "$n")"; db="${db,,}"   # unquoted identifiers fold to lower case
    psql_db postgres -c "CREATE DATABASE $db" >/dev/null
    conn="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=$db;Maximum Pool Size=64${PG_OPTIONS:+;$PG_OPTIONS}"
    start_pim postgres "$conn"
    log "loading $LABEL"
    t0=$SECONDS
    psql_db "$db" -v tenants="$TENANTS" -v per="$per" -v groups="$groups" -v users="$users" -f "$BENCH_DIR/load.sql" \
      >"$RESULTS/load-$LABEL.log" 2>&1 || { cat "$RESULTS/load-$LABEL.log" >&2; die "loading $LABEL failed."; }
    R[$LABEL.load_sql_s]=$(( SECONDS - t0 ))
    psql_db "$db" -c "VACUUM (ANALYZE) tenants, principals, group_memberships, group_closure, role_assignments, activation_requests" \
      -c "CREATE EXTENSION IF NOT EXISTS pg_prewarm" -c "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" \
      -c "CHECKPOINT" >/dev/null
    psql_db "$db" -At -c "SELECT sum(pg_prewarm(c.oid)) FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace
                             WHERE s.nspname = 'public' AND c.relkind IN ('r', 'i')" >/dev/null
    R[$LABEL.load_s]=$(( SECONDS - t0 ))
    psql_db "$db" -At -F ' ' -c "
      SELECT 'role_assignments', count(*), pg_size_pretty(pg_total_relation_size('role_assignments')) FROM role_assignments
      UNION ALL SELECT 'principals', count(*), pg_size_pretty(pg_total_relation_size('principals')) FROM principals
      UNION ALL SELECT 'group_memberships', count(*), pg_size_pretty(pg_total_relation_size('group_memberships')) FROM group_memberships
      UNION ALL SELECT 'group_closure', count(*), pg_size_pretty(pg_total_relation_size('group_closure')) FROM group_closure
      UNION ALL SELECT 'activation_requests', count(*), pg_size_pretty(pg_total_relation_size('activation_requests')) FROM activation_requests
      UNION ALL SELECT 'tenants', count(*), pg_size_pretty(pg_total_relation_size('tenants')) FROM tenants" \
      | tee "$RESULTS/tables-$LABEL.txt" | awk '{ printf "    %-20s %9s rows  %s %s\n", $1, $2, $3, $4 }'
    log "loaded in ${R[$LABEL.load_s]} s (SQL ${R[$LABEL.load_sql_s]} s, then VACUUM ANALYZE and prewarm)"
    # Pim starts again on the loaded store, as a deployment starts on its directory, and warms its index before anything
    # is measured (the load's changes only told it to forget; a tenant not held is answered from the store).
    stop_api
    start_pim postgres "$conn"
    wait_warm
  else
    # SQLite: Pim creates the schema at start-up, then stops while the sqlite3 CLI loads (no writer in the way), then
    # starts again on the loaded file.
    mkdir -p "$APP_TMP/sqlite-$LABEL"
    sqlite_db="$APP_TMP/sqlite-$LABEL/pim.db"
    conn="Data Source=$sqlite_db"
    start_pim sqlite "$conn"
    stop_api
    log "loading $LABEL"
    t0=$SECONDS
    timeout --kill-after=10 1800 sqlite3 -bail "$sqlite_db" -cmd ".parameter set :tenants $TENANTS" \
      -cmd ".parameter set :per $per" -cmd ".parameter set :groups $groups" -cmd ".parameter set :users $users" \
      <"$BENCH_DIR/load-sqlite.sql" >"$RESULTS/load-$LABEL.log" 2>&1 \
      || { cat "$RESULTS/load-$LABEL.log" >&2; die "loading $LABEL failed."; }
    R[$LABEL.load_s]=$(( SECONDS - t0 )); R[$LABEL.load_sql_s]=${R[$LABEL.load_s]}
    local tbl size
    size="$(( $(stat -c %s "$sqlite_db") / 1048576 )) MB"
    for tbl in role_assignments principals group_memberships group_closure activation_requests tenants; do
      echo "$tbl $(sqlite3 "$sqlite_db" "SELECT count(*) FROM $tbl") ($size file)"
    done | tee "$RESULTS/tables-$LABEL.txt" | awk '{ printf "    %-20s %9s rows  %s %s %s\n", $1, $2, $3, $4, $5 }'
    log "loaded in ${R[$LABEL.load_s]} s (incl. ANALYZE)"
    start_pim sqlite "$conn"
    wait_warm
  fi
  R[$LABEL.rows]=$(awk '$1 == "role_assignments" { print $2 }' "$RESULTS/tables-$LABEL.txt")

  # Token: a platform identity (Pim__Auth__PlatformIdentities__0) with scope pim.evaluate and no tenant, signed by the
  # benchmark's own identity provider (start_issuer, bench/report's `issuer`): it may evaluate in every tenant.
  TOKEN="$ISSUER_TOKEN"
  GRANTS_SRC=""
  if [[ "$store" == postgres ]]; then
    GRANTS_SRC="$RESULTS/grants-$LABEL.sql"
    curl -fsS --max-time 10 -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$API_PORT/bench/grants-sql" >"$GRANTS_SRC" \
      || log "WARNING: GET /bench/grants-sql failed: no EXPLAIN or pgbench of the query"
  fi
  local BASE_URL="http://127.0.0.1:$API_PORT/"
  local BARE_URL="http://127.0.0.1:$API_PORT/bench/bare"

  # Sanity checks: answers as loaded, in the first, a middle and the last tenant; both branches of "allow"
  # (assignment: i % 10 = 1..4, 6..9; activation: i % 10 = 0) and a "deny"; no tenant past the last one.
  local i k expect answer code mid=$(( (TENANTS + 1) / 2 ))
  for triple in 1:1:allow "$TENANTS":4:allow "$mid":10:allow 1:$(( 10 * BLOCKS - 1 )):allow \
                "$TENANTS":$(( 10 * BLOCKS )):allow "$mid":5:deny; do
    IFS=: read -r k i expect <<<"$triple"
    read -r code answer < <(post_json "${BASE_URL}v1/tenants/t$k/access/evaluation" \
      "{\"principalId\":\"u$i\",\"roleId\":\"${ROLES[i % 13]}\",\"scope\":\"/\"}" "$TOKEN")
    if [[ "$code" != 200 || "$answer" != *"\"decision\":\"$expect\""* ]]; then
      if [[ -n "$sqlite_db" ]]; then   # most likely cause on SQLite: the spelling of the loaded timestamps
        stop_api
        log "SQLite timestamps: $(sqlite_ts_check "$sqlite_db")"
      fi
      die "t$k u$i / ${ROLES[i % 13]}: expected 200 $expect, got: $code $answer"
    fi
  done
  read -r code answer < <(post_json "${BASE_URL}v1/tenants/t$(( TENANTS + 1 ))/access/evaluation" \
    '{"principalId":"u1","roleId":"privileged-role-administrator","scope":"/"}' "$TOKEN")
  [[ "$code" == 404 ]] || die "tenant t$(( TENANTS + 1 )) should not exist (404), got: $code $answer"
  read -r code answer < <(post_json "$BARE_URL" '{"principalId":"u1","roleId":"privileged-role-administrator","scope":"/"}' "$TOKEN")
  [[ "$code" == 200 ]] || die "POST /bench/bare answered $code (is this the benchmark host, bench/host?)."
  read -r code answer < <(post_json "$BARE_URL" '{"principalId":"u1","roleId":"privileged-role-administrator","scope":"/"}')
  [[ "$code" == 401 ]] || die "POST /bench/bare without a token answered $code, not 401: it must be authenticated like evaluation."
  log "sanity checks passed (allow/deny as loaded in t1, t$mid and t$TENANTS; t$(( TENANTS + 1 )) unknown; pim-bare authenticated)"

  # Batch: probe with one full batch (all allow, the last one a deny) before measuring, and skip while the endpoint
  # does not exist in this build.
  local batch=0 items="" decisions expected j
  for (( j = 1; j < BATCH_SIZE; j++ )); do
    i=$(( 10 * ((j - 1) % BLOCKS) + 1 + (j % 4) ))   # i % 10 in 1..4: active assignments, "allow"
    items+="{\"principalId\":\"u$i\",\"roleId\":\"${ROLES[i % 13]}\",\"scope\":\"/\"},"
  done
  items+="{\"principalId\":\"u5\",\"roleId\":\"${ROLES[5 % 13]}\",\"scope\":\"/\"}"
  read -r code answer < <(post_json "${BASE_URL}v1/tenants/t1/access/evaluations" "{\"evaluations\":[$items]}" "$TOKEN")
  case "$code" in
    200)
      decisions="$(grep -o '"decision" *: *"[a-z]*"' <<<"$answer" | sed 's/.*"\([a-z]*\)"$/\1/' | tr '\n' ' ')"
      expected=""; for (( j = 1; j < BATCH_SIZE; j++ )); do expected+="allow "; done; expected+="deny "
      [[ "$decisions" == "$expected" ]] \
        || die "POST .../access/evaluations: expected $(( BATCH_SIZE - 1 )) allow then 1 deny, in order; got: ${answer:0:600}"
      batch=1; log "batch endpoint answers $BATCH_SIZE decisions in order: measuring it" ;;
    404|405)
      log "batch: POST /v1/tenants/{tenantId}/access/evaluations answered $code: not in this build, batch measurement skipped"
      R[$LABEL.batch.note]="endpoint answered $code" ;;
    *)
      log "WARNING: batch probe answered $code: ${answer:0:300}; batch measurement skipped"
      R[$LABEL.batch.note]="probe answered $code" ;;
  esac

  # Warm-up (JIT tiering, pool, caches), then the measurements, one after the other.
  log "warm-up ${WARMUP}s each: anchor, pim-bare, eval$([[ "$batch" == 1 ]] && echo ', batch')"
  run_wrk "warmup-anchor-$LABEL" bare "$ANCHOR_URL" "$WARMUP"
  run_wrk "warmup-pimbare-$LABEL" bare "$BARE_URL" "$WARMUP"
  run_wrk "warmup-eval-$LABEL" eval "$BASE_URL" "$WARMUP"
  [[ "$batch" == 1 ]] && run_wrk "warmup-batch-$LABEL" batch "$BASE_URL" "$WARMUP"
  read -r "R[$LABEL.rss_warm]" "R[$LABEL.hwm_warm]" < <(mem_of "$API_PID")
  log "measuring anchor ${DURATION}s"
  gc_snapshot anchor0 anchor
  run_wrk "anchor-$LABEL" bare "$ANCHOR_URL" "$DURATION"
  gc_snapshot anchor1 anchor
  log "measuring pim-bare ${DURATION}s"
  gc_snapshot pimbare0
  run_wrk "pimbare-$LABEL" bare "$BARE_URL" "$DURATION"
  gc_snapshot pimbare1
  [[ "$store" == postgres ]] && psql_db "$db" -c "SELECT pg_stat_statements_reset()" >/dev/null
  log "measuring eval ${DURATION}s"
  gc_snapshot eval0
  run_wrk "eval-$LABEL" eval "$BASE_URL" "$DURATION"
  gc_snapshot eval1
  read -r "R[$LABEL.rss_eval]" "R[$LABEL.hwm_eval]" < <(mem_of "$API_PID")
  read -r "R[$LABEL.anchor_rss]" _ < <(mem_of "$ANCHOR_PID")
  if [[ "$store" == postgres ]]; then
    psql_db "$db" -At -F ' ' -c "
      SELECT calls, round(mean_exec_time::numeric, 4), round(mean_plan_time::numeric, 4), round(max_exec_time::numeric, 3),
             shared_blks_hit, shared_blks_read, plans
      FROM pg_stat_statements WHERE query LIKE '%role_assignments a %' AND query LIKE '%activation_requests r %'
      ORDER BY calls DESC LIMIT 1" >"$RESULTS/pgss-$LABEL.txt"
    # Where PostgreSQL spent its time during the eval run (background jobs of Pim included), most first.
    psql_db "$db" -At -c "SELECT round((total_plan_time + total_exec_time)::numeric) || ' ms in all, ' || calls || ' calls, '
                                 || plans || ' plans, mean plan ' || round(mean_plan_time::numeric, 4) || ' ms, mean exec '
                                 || round(mean_exec_time::numeric, 4) || ' ms: ' || query
                          FROM pg_stat_statements ORDER BY total_plan_time + total_exec_time DESC LIMIT 10" >"$RESULTS/pgss-top-$LABEL.txt"
  fi
  if [[ "$batch" == 1 ]]; then
    log "measuring batch ($BATCH_SIZE decisions per call) ${DURATION}s"
    run_wrk "batch-$LABEL" batch "$BASE_URL" "$DURATION"
  fi
  if [[ "$UNLOADED" == 1 ]]; then
    log "measuring anchor, pim-bare and eval with 1 connection, ${DURATION}s each"
    run_wrk "anchor1-$LABEL" bare "$ANCHOR_URL" "$DURATION" 1 1
    run_wrk "pimbare1-$LABEL" bare "$BARE_URL" "$DURATION" 1 1
    run_wrk "eval1-$LABEL" eval "$BASE_URL" "$DURATION" 1 1
  fi
  if [[ "$PROFILE" == all || ( "$PROFILE" == 1 && ${#PROFILED[@]} -eq 0 ) ]]; then
    profile_case "$BASE_URL"
  fi

  local kind kinds=(anchor pimbare eval) rps reqs p50 p75 p90 p99 non2xx errs api pg wrkt busy total lines anc
  [[ "$batch" == 1 ]] && kinds+=(batch)
  for kind in "${kinds[@]}"; do
    read -r rps reqs p50 p75 p90 p99 non2xx errs < <(parse_wrk "$RESULTS/$kind-$LABEL.txt")
    read -r api pg wrkt busy total lines anc <"$RESULTS/$kind-$LABEL.cpu"
    R[$LABEL.$kind.logs]="$(awk -v l="$lines" -v n="$reqs" 'BEGIN { printf "%.2f", (n > 0 ? l / n : 0) }')"
    R[$LABEL.$kind.rps]=$rps; R[$LABEL.$kind.requests]=$reqs; R[$LABEL.$kind.p50]=$p50; R[$LABEL.$kind.p90]=$p90; R[$LABEL.$kind.p99]=$p99
    R[$LABEL.$kind.bad]=$(( non2xx + errs ))
    # CPU microseconds per request: the anchor, Pim, PostgreSQL, wrk, the rest of the machine's busy time (other
    # processes, such as a concurrent build, and kernel time charged to none of them), and machine utilisation.
    R[$LABEL.$kind.cpu]="$(awk -v n0="$anc" -v a="$api" -v p="$pg" -v w="$wrkt" -v b="$busy" -v t="$total" -v n="$reqs" -v hz="$CLK_TCK" 'BEGIN {
      if (n < 1) n = 1; us = 1e6 / hz / n; r = b - n0 - a - p - w; if (r < 0) r = 0
      printf "%.0f %.0f %.0f %.0f %.0f %.0f", n0 * us, a * us, p * us, w * us, r * us, (t > 0 ? 100 * b / t : 0) }')"
    log "$kind: $rps req/s  p50 ${p50} ms  p99 ${p99} ms  non-2xx/errors $(( non2xx + errs ))"
  done
  if [[ "$batch" == 1 ]]; then
    R[$LABEL.batch.dps]="$(awk -v r="${R[$LABEL.batch.rps]}" -v b="$BATCH_SIZE" 'BEGIN { print r * b }')"
    R[$LABEL.batch.ratio]="$(div "${R[$LABEL.batch.dps]}" "${R[$LABEL.eval.rps]}")"
    log "batch: $(fmt "${R[$LABEL.batch.dps]}" 0) decisions/s = $(fmt "${R[$LABEL.batch.ratio]}")x single calls"
  fi
  if [[ "$UNLOADED" == 1 ]]; then
    for kind in anchor1 pimbare1 eval1; do
      read -r rps reqs p50 p75 p90 p99 non2xx errs < <(parse_wrk "$RESULTS/$kind-$LABEL.txt")
      R[$LABEL.$kind]="$(fmt "$rps" 0) r/s, p50 $(fmt "$p50") p99 $(fmt "$p99")"
      R[$LABEL.$kind.bad]=$(( non2xx + errs ))
      log "$kind (1 connection): ${R[$LABEL.$kind]} ms, non-2xx/errors $(( non2xx + errs ))"
    done
  fi
  log "Pim resident memory: $(( R[$LABEL.rss_warm] / 1024 )) MiB after load + warm-up, $(( R[$LABEL.rss_eval] / 1024 )) MiB after eval (peak $(( R[$LABEL.hwm_eval] / 1024 )) MiB)"

  if [[ "$store" == postgres ]]; then
    if [[ -s "$RESULTS/pgss-$LABEL.txt" ]]; then
      local calls mean plan max hit rd plans
      read -r calls mean plan max hit rd plans <"$RESULTS/pgss-$LABEL.txt"
      R[$LABEL.sql_mean]=$mean; R[$LABEL.sql_plan]=$plan; R[$LABEL.sql_max]=$max
      R[$LABEL.sql_plans]="$(awk -v c="$calls" -v p="$plans" 'BEGIN { printf "%.0f%%", 100 * p / c }')"
      R[$LABEL.sql_blks]="$(awk -v c="$calls" -v h="$hit" -v r="$rd" 'BEGIN { printf "%.1f hit, %.2f read", h / c, r / c }')"
      log "grants query in PostgreSQL (pg_stat_statements): $calls calls, planned ${R[$LABEL.sql_plans]} of them, mean plan $plan ms, mean exec $mean ms, max exec $max ms, per call ${R[$LABEL.sql_blks]} buffers"
    else
      log "WARNING: the grants query was not found in pg_stat_statements (it did not run during eval: answered from memory?)"
    fi
    explain_pg "$db"
  fi

  stop_api
  if [[ -n "$sqlite_db" ]]; then   # Pim flushed its usage records at shutdown: compare its timestamp spelling
    answer="$(sqlite_ts_check "$sqlite_db")"
    [[ -z "$answer" ]] || log "WARNING: SQLite timestamps: $answer"
  fi
  # Keep the log, compressed when large (at Warning level it should stay small).
  if (( $(stat -c %s "$RESULTS/api-$LABEL.log") > 1048576 )); then gzip -f "$RESULTS/api-$LABEL.log"; fi

  [[ "$store" == postgres && "$PGBENCH" == 1 ]] && pgbench_pg "$db"
  return 0
}

# explain_pg DB: EXPLAIN (ANALYZE, BUFFERS) of each of the store path's statements in one session (warm catalog caches,
# as in Pim's pooled connections), third run kept, in tenant t1: a principal with an active assignment (also a group
# member) and one that holds the role through an activation.
explain_pg() {
  local db=$1 now sample_a sample_r sql i psql_script="$RESULTS/explain-$LABEL.sql"
  now="$(date -u +%Y-%m-%dT%H:%M:%S.%6NZ)"
  sample_a=$(( 20 * (BLOCKS / 4) + 4 ))   # i % 10 = 4 (active assignment) and i % 4 = 0 (group member)
  sample_r=$(( 10 * (BLOCKS / 2) + 10 ))
  if sql="$(grants_sql "'t1'" "'u$sample_a'" "ARRAY['${ROLES[sample_a % 13]}']" "'/'" "'$now'::timestamptz")"; then
    {
      for i in "$sample_a" "$sample_r"; do
        sql="$(grants_sql "'t1'" "'u$i'" "ARRAY['${ROLES[i % 13]}']" "'/'" "'$now'::timestamptz")"
        echo "\\echo '-- custom plan: tenant t1, principal u$i, role ${ROLES[i % 13]}, third run in the session'"
        echo '\o /dev/null'
        explain_each "$sql"
        explain_each "$sql"
        echo '\o'
        explain_each "$sql"
      done
    } >"$psql_script"
    psql_db "$db" -f "$psql_script" >"$RESULTS/explain-$LABEL.txt" 2>&1 || log "WARNING: EXPLAIN failed (see explain-$LABEL.txt)"
  else
    echo "could not extract the store path's queries from $GRANTS_SRC" >"$RESULTS/explain-$LABEL.txt"
  fi
  # Planning and execution summed over the statements of each sample.
  R[$LABEL.explain]="$(awk '/^-- custom plan/ { if (n) printf "%s%.3f+%.3f", sep, p, e; if (n) sep = ", "; n = 1; p = 0; e = 0 }
    /Planning Time/ { p += $3 } /Execution Time/ { e += $3 } END { if (n) printf "%s%.3f+%.3f", sep, p, e }' "$RESULTS/explain-$LABEL.txt")"
  R[$LABEL.seqscan]="$(grep -c 'Seq Scan' "$RESULTS/explain-$LABEL.txt" || true)"
}

# pgbench_pg DB: SQL only, the same query through pgbench with Pim stopped, a random tenant and principal per
# execution as access.lua draws them. 'extended' re-plans every execution (unprepared commands, as Pim ran it before
# Npgsql auto-prepare); 'prepared' reuses a prepared statement, as Npgsql's auto-prepare or explicit Prepare would.
pgbench_pg() {
  local db=$1 roles_array mode sql
  roles_array="ARRAY['$(IFS=,; echo "${ROLES[*]}" | sed "s/,/','/g")']"
  if sql="$(grants_sql "('t' || :k)" "('u' || :i)" "ARRAY[($roles_array)[:r]]" "'/'" "now()")"; then
    {
      echo '\set k random(1, '"$TENANTS"')'
      echo '\set a random(0, '"$(( BLOCKS - 1 ))"')'
      echo '\set b random(1, 9)'
      echo '\set b :b + :b / 5'
      echo '\set i 10 * :a + :b'
      echo '\set r :i % 13 + 1'
      printf '%s\n' "$(printf '%s' "$sql" | tr '\n' ' ')"   # each statement ends with ';' already
    } >"$RESULTS/sql-only-$LABEL.pgbench"
    for mode in extended prepared; do
      log "SQL only (pgbench -M $mode, Pim stopped) ${DURATION}s"
      timeout --kill-after=10 $(( DURATION + 60 )) "$PG_BIN/pgbench" -n -M "$mode" -c "$CONNECTIONS" -j "$THREADS" \
        -T "$DURATION" -h 127.0.0.1 -p "$PG_PORT" -U postgres -f "$RESULTS/sql-only-$LABEL.pgbench" "$db" \
        >"$RESULTS/pgbench-$mode-$LABEL.txt" 2>&1 || die "pgbench failed: $(tail -n 5 "$RESULTS/pgbench-$mode-$LABEL.txt")"
      R[$LABEL.pgb_$mode]="$(awk '/^tps = / { tps = $3 } /^latency average = / { lat = $4 }
        END { printf "%.0f q/s (%s ms)", tps, lat }' "$RESULTS/pgbench-$mode-$LABEL.txt")"
      log "SQL only, $mode: ${R[$LABEL.pgb_$mode]}"
    done
  fi
}

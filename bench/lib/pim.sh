# bench/lib/pim.sh: starting Pim (the benchmark host) and talking to it — sourced by bench/run.sh (read its header for the knobs and globals these use).
# shellcheck shell=bash

# ---------------------------------------------------------------- Pim
# start_pim STORE CONNECTION_STRING: starts Pim for $LABEL on a free port, waits for /health/ready (bounded). A port
# taken between pick_port and Kestrel's bind (the machine is shared) is retried on another port, up to 3 times.
start_pim() {
  local store=$1 conn=$2 ok=0 attempt lines
  mkdir -p "$APP_TMP/data-$LABEL"
  for attempt in 1 2 3; do
    API_PORT="$(pick_port)" || die "could not find a free TCP port for Pim."
    log "starting Pim ($store) on 127.0.0.1:$API_PORT$( (( attempt == 1 )) || echo " (attempt $attempt)")"
    lines=$(wc -l <"$RESULTS/api-$LABEL.log")
    # shellcheck disable=SC2086 # BENCH_PIM_ENV is a list of K=V words on purpose
    # shellcheck disable=SC2046 # the image's DOTNET_* settings, one word each
    env $(image_env) ASPNETCORE_ENVIRONMENT=Production \
      Pim__Auth__Authority="$ISSUER_URL" Pim__Auth__RequireHttpsMetadata=false Pim__Auth__Audience=pim \
      ASPNETCORE_URLS="http://127.0.0.1:$API_PORT" \
      Pim__Store__Provider="$store" \
      ConnectionStrings__Pim="$conn" \
      Pim__Auth__PlatformIdentities__0=bench-gateway \
      Pim__RateLimits__Evaluation__PerCaller=1000000000 Pim__RateLimits__Evaluation__PerTenant=1000000000 \
      Serilog__MinimumLevel__Default=Warning \
      Pim__DataDirectory="$APP_TMP/data-$LABEL" \
      $PIM_ENV \
      dotnet "$API_DLL" >>"$RESULTS/api-$LABEL.log" 2>&1 </dev/null &
    API_PID=$!
    for _ in $(seq 1 120); do
      kill -0 "$API_PID" 2>/dev/null || break
      if [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$API_PORT/health/ready" || true)" == 200 ]]; then
        ok=1; break
      fi
      sleep 1
    done
    [[ "$ok" -eq 1 ]] && return 0
    if ! kill -0 "$API_PID" 2>/dev/null; then
      wait "$API_PID" 2>/dev/null || true; API_PID=""
      if tail -n +"$(( lines + 1 ))" "$RESULTS/api-$LABEL.log" | grep -qi 'address already in use'; then
        log "port $API_PORT was taken meanwhile: retrying on another one"; continue
      fi
      tail -n 30 "$RESULTS/api-$LABEL.log" >&2; die "Pim exited at start-up."
    fi
    tail -n 30 "$RESULTS/api-$LABEL.log" >&2; die "Pim was not ready within 120 s."
  done
  die "Pim could not bind a port (taken each time, 3 attempts)."
}

# image_env: the runtime settings Pim's container image sets (the Dockerfile's DOTNET_* ENV), so that Pim runs here as it
# is deployed; none with BENCH_IMAGE_ENV=0 (e.g. for an older build measured as "before").
image_env() {
  [[ "$IMAGE_ENV" == 1 ]] || return 0
  grep -oE 'DOTNET_[A-Za-z0-9_]+=[^ \\]+' "$ROOT/Dockerfile" || true
}

# post_json URL BODY [AUTH]: prints "<http status> <body>" (status 000 when the request failed)
post_json() {
  local out code
  out="$(curl -sS --max-time 10 -w '\n%{http_code}' -H 'Content-Type: application/json' \
    ${3:+-H "Authorization: Bearer $3"} -d "$2" "$1" 2>&1)" || true
  code="${out##*$'\n'}"; [[ "$code" =~ ^[0-9]{3}$ ]] || code=000
  printf '%s %s\n' "$code" "${out%$'\n'*}"
}

# sqlite_ts_check DB: the loaded timestamps must be spelled as Pim spells its own (read bench/load-sqlite.sql). Pim
# writes assignment_usage after an allow (flushed every 10 s and at shutdown); compare the shapes, digits aside.
# Prints nothing when they match, else a description of both.
sqlite_ts_check() {
  local db=$1 pim loaded shape='s/[0-9]/9/g; s/\.9+//'
  pim="$(sqlite3 "$db" "SELECT first_used_at FROM assignment_usage LIMIT 1" 2>/dev/null || true)"
  loaded="$(sqlite3 "$db" "SELECT starts_at FROM role_assignments WHERE tenant_id = 't1' LIMIT 1" 2>/dev/null || true)"
  [[ -n "$pim" ]] || { echo "Pim wrote no timestamp to compare with yet (assignment_usage is empty); loaded: '$loaded'"; return; }
  [[ "$(sed -E "$shape" <<<"$pim")" == "$(sed -E "$shape" <<<"$loaded")" ]] \
    || echo "Pim writes timestamps like '$pim' but bench/load-sqlite.sql loaded '$loaded'"
}

# start_issuer: the benchmark's identity provider, so that Pim runs in Production as it is deployed. bench/report mints
# a key, writes its OpenID Connect metadata and key set under $APP_TMP/issuer and prints a token for the gateway the
# benchmark plays (bench-gateway, pim.evaluate, 12 hours); python3's file server serves them on loopback, where Pim
# (Pim:Auth:Authority, RequireHttpsMetadata=false) reads them once, at its first request.
start_issuer() {
  local attempt ok
  for attempt in 1 2 3; do
    ISSUER_PORT="$(pick_port)" || die "could not find a free TCP port for the issuer."
    ISSUER_URL="http://127.0.0.1:$ISSUER_PORT/"
    rm -rf -- "$APP_TMP/issuer"; mkdir -p "$APP_TMP/issuer"
    ISSUER_TOKEN="$(dotnet "$REPORT_DLL" issuer "$APP_TMP/issuer" "$ISSUER_URL")" || die "bench/report could not mint the issuer's key."
    python3 -m http.server "$ISSUER_PORT" --bind 127.0.0.1 --directory "$APP_TMP/issuer" >"$RESULTS/issuer.log" 2>&1 </dev/null &
    ISSUER_PID=$!
    ok=0
    for _ in $(seq 1 20); do
      kill -0 "$ISSUER_PID" 2>/dev/null || break
      curl -fs --max-time 2 -o /dev/null "${ISSUER_URL}.well-known/openid-configuration" && { ok=1; break; }
      sleep 0.5
    done
    [[ "$ok" -eq 1 ]] && { log "issuer (minted key, loopback file server) at $ISSUER_URL"; return 0; }
    stop_pid "$ISSUER_PID"; ISSUER_PID=""
  done
  die "the benchmark's issuer did not start (see $RESULTS/issuer.log)."
}

# gc_snapshot NAME: records Pim's GET /bench/gc figures (allocated bytes, collections, pause ms, GC heap, grant-index rows,
# its bound and loads) as R[$LABEL.gc.NAME.<figure>]; the summary reads deltas between two snapshots around a run.
# gc_snapshot NAME anchor: the anchor's GET /gc (allocated bytes only).
gc_snapshot() {
  local name=$1 body pair url="http://127.0.0.1:$API_PORT/bench/gc"
  [[ "${2:-}" == anchor ]] && url="http://127.0.0.1:$ANCHOR_PORT/gc"
  body="$(curl -fsS --max-time 10 -H "Authorization: Bearer $TOKEN" "$url" 2>/dev/null || true)"
  [[ -n "$body" ]] || { log "WARNING: GET /bench/gc failed"; return 0; }
  while read -r pair; do
    R[$LABEL.gc.$name.${pair%%:*}]=${pair#*:}
  done < <(grep -oE '"[A-Za-z0-9]+":-?[0-9.eE+]+' <<<"$body" | tr -d '"')
}

# wait_warm: after a load, Pim restarts on the loaded store (as a deployment starts on its directory) and warms its grant
# index; this waits until the index has loaded every tenant (GET /bench/gc: loads >= tenants) or holds no more rows for
# 20 s (the bound reached), at most BENCH_WARM_MAX seconds, and records how long it took (R[$LABEL.warm_s]). A build
# without /bench/gc (an older Pim through BENCH_API_DLL) is given BENCH_WARM_MAX / 4 seconds instead.
wait_warm() {
  local t0=$SECONDS body loads rows last_rows=-1 still=0
  while (( SECONDS - t0 < WARM_MAX )); do
    body="$(curl -fsS --max-time 10 -H "Authorization: Bearer $ISSUER_TOKEN" "http://127.0.0.1:$API_PORT/bench/gc" 2>/dev/null || true)"
    if [[ -z "$body" ]]; then
      log "no GET /bench/gc in this build: giving the index $(( WARM_MAX / 4 )) s to warm"
      sleep $(( WARM_MAX / 4 )); R[$LABEL.warm_s]="$(( SECONDS - t0 ))?"; return 0
    fi
    loads="$(grep -oE '"loads":[0-9.]+' <<<"$body" | cut -d: -f2)"; rows="$(grep -oE '"rows":[0-9.]+' <<<"$body" | cut -d: -f2)"
    loads=${loads:-0}; rows=${rows:-0}
    (( ${loads%.*} >= TENANTS )) && break
    if [[ "$rows" == "$last_rows" ]]; then (( ++still >= 20 )) && break; else still=0; last_rows=$rows; fi
    sleep 1
  done
  R[$LABEL.warm_s]=$(( SECONDS - t0 ))
  log "grant index warm after ${R[$LABEL.warm_s]} s: ${loads:-?} tenant loads, ${rows:-?} rows"
}

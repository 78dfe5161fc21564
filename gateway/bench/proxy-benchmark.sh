#!/usr/bin/env bash
# Proxy benchmark, run by hand: the same static nginx upstream behind (a) Archway, (b) nginx
# proxy_pass with upstream keepalive, (c) HAProxy. Each proxy under test is pinned to the
# same CPU; wrk and the upstream share the other one. Same connections, same duration. The three
# are measured in turn, ROUNDS times (Archway, nginx, HAProxy, Archway, ...), so that a machine
# whose speed drifts (a shared VM) affects all three alike; each round's ratios compare runs
# seconds apart. Prints, per round, requests/s, p50, p99, the proxy's CPU time per request (user +
# system, from /proc), RSS of the proxy, the ratios Archway/nginx and Archway/HAProxy, and the
# median of each ratio over the rounds.
#
#   gateway/bench/proxy-benchmark.sh [DURATION_SECONDS=15] [CONNECTIONS=64] [ROUNDS=3]
#
# Needs: wrk, nginx, haproxy (bin/install-test-tools installs them), a built gateway.
# Talks only to 127.0.0.1; everything it starts is stopped by PID on exit.
set -euo pipefail

DURATION="${1:-15}"
CONNECTIONS="${2:-64}"
ROUNDS="${3:-3}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
WORK="$(mktemp -d /tmp/archway-bench.XXXXXX)"
UPSTREAM_PORT=18200 ARCHWAY_PORT=18201 NGINX_PORT=18202 HAPROXY_PORT=18203 MGMT_PORT=18209
PROXY_CPU=1 LOAD_CPU=0
[[ "$(nproc)" -ge 2 ]] || { PROXY_CPU=0; LOAD_CPU=0; echo "only one CPU: proxy and load share it" >&2; }
PIDS=()

cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

for tool in wrk nginx haproxy taskset; do
  command -v "$tool" >/dev/null || { echo "missing $tool: run bin/install-test-tools" >&2; exit 1; }
done
[[ -f "$ROOT/gateway/target/quarkus-app/quarkus-run.jar" ]] || { echo "build first: bin/archway build" >&2; exit 1; }

wait_port() {
  for _ in $(seq 1 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.1
  done
  echo "nothing listens on $1" >&2; exit 1
}

# nginx_conf DIR HTTP_BLOCK: one worker, no access log, every path of its own under DIR
nginx_conf() {
  mkdir -p "$1"
  cat > "$1/nginx.conf" <<CONF
worker_processes 1;
daemon off;
error_log $1/error.log warn;
pid $1/nginx.pid;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  client_body_temp_path $1; proxy_temp_path $1; fastcgi_temp_path $1; uwsgi_temp_path $1; scgi_temp_path $1;
$2
}
CONF
}

# --- upstream: nginx serving a small static body ---------------------------------------
nginx_conf "$WORK/up" "  server { listen 127.0.0.1:$UPSTREAM_PORT; location / { return 200 \"hello from upstream\\n\"; } }"
taskset -c "$LOAD_CPU" nginx -c "$WORK/up/nginx.conf" -p "$WORK/up" & PIDS+=($!)
wait_port "$UPSTREAM_PORT"

# --- (a) Archway ------------------------------------------------------------------------
cat > "$WORK/archway.yaml" <<CONF
schemaVersion: 1
cluster: bench/bench
listeners: [{name: http, port: $ARCHWAY_PORT, protocol: HTTP}]
services:
  - name: bench/upstream
    loadBalancer: RoundRobin
    targets: [{host: 127.0.0.1, port: $UPSTREAM_PORT, weight: 1}]
routes:
  - name: bench/all
    rule: 0
    matches: [{path: {type: PathPrefix, value: /}}]
    backends: [{service: bench/upstream, weight: 1}]
CONF
ARCHWAY_BIND_HOST=127.0.0.1 QUARKUS_MANAGEMENT_HOST=127.0.0.1 QUARKUS_MANAGEMENT_PORT=$MGMT_PORT \
  JAVA_OPTS="${ARCHWAY_JAVA_OPTS:--Xmx512m}" \
  taskset -c "$PROXY_CPU" "$ROOT/bin/archway" gateway --config "$WORK/archway.yaml" > "$WORK/archway.log" 2>&1 &
ARCHWAY_PID=$!; PIDS+=($ARCHWAY_PID)

# --- (b) nginx proxy_pass with upstream keepalive ---------------------------------------
nginx_conf "$WORK/nx" "  upstream up { server 127.0.0.1:$UPSTREAM_PORT; keepalive 128; }
  server {
    listen 127.0.0.1:$NGINX_PORT;
    location / { proxy_pass http://up; proxy_http_version 1.1; proxy_set_header Connection \"\"; }
  }"
taskset -c "$PROXY_CPU" nginx -c "$WORK/nx/nginx.conf" -p "$WORK/nx" & NGINX_PID=$!; PIDS+=($NGINX_PID)

# --- (c) HAProxy ------------------------------------------------------------------------
cat > "$WORK/haproxy.cfg" <<CONF
global
  nbthread 1
  maxconn 8192
defaults
  mode http
  timeout connect 5s
  timeout client 30s
  timeout server 30s
  option http-keep-alive
frontend fe
  bind 127.0.0.1:$HAPROXY_PORT
  default_backend be
backend be
  http-reuse always
  server up 127.0.0.1:$UPSTREAM_PORT
CONF
taskset -c "$PROXY_CPU" haproxy -f "$WORK/haproxy.cfg" -db & HAPROXY_PID=$!; PIDS+=($HAPROXY_PID)

wait_port "$ARCHWAY_PORT"; wait_port "$NGINX_PORT"; wait_port "$HAPROXY_PORT"

# RSS of a process and its children, in MiB
rss_mib() {
  local total=0
  for p in $1 $(pgrep -P "$1" || true); do
    total=$(( total + $(awk '/VmRSS/ {print $2}' "/proc/$p/status" 2>/dev/null || echo 0) ))
  done
  echo $(( total / 1024 ))
}

# CPU time (user + system, clock ticks) of a process and its children
cpu_ticks() {
  local total=0
  for p in $1 $(pgrep -P "$1" || true); do
    total=$(( total + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0) ))
  done
  echo "$total"
}

# wrk's latency distribution is in us/ms/s; normalise to ms
to_ms() { awk -v v="$1" 'BEGIN { if (v ~ /us$/) { sub(/us/,"",v); print v/1000 } else if (v ~ /ms$/) { sub(/ms/,"",v); print v+0 } else if (v ~ /s$/) { sub(/s/,"",v); print v*1000 } else print v }'; }

run() {  # name port pid -> "name rps p50 p99 cpu-us-per-request rss errors"
  local out before after
  before=$(cpu_ticks "$3")
  out=$(taskset -c "$LOAD_CPU" wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --latency "http://127.0.0.1:$2/" 2>&1)
  after=$(cpu_ticks "$3")
  local rps p50 p99 errors cpu total
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(to_ms "$(awk '$1=="50%" {print $2}' <<<"$out")")
  p99=$(to_ms "$(awk '$1=="99%" {print $2}' <<<"$out")")
  errors=$(awk '/Non-2xx|Socket errors/ {print}' <<<"$out" | tr '\n' ' ')
  total=$(awk '/requests in/ {print $1}' <<<"$out")
  cpu=$(awk -v t=$(( after - before )) -v n="$total" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.1f", t / hz * 1e6 / n }')
  echo "$1 $rps $p50 $p99 $cpu $(rss_mib "$3") ${errors:-none}"
}

echo "warming up Archway's JIT (30 s) ..." >&2
taskset -c "$LOAD_CPU" wrk -t1 -c"$CONNECTIONS" -d30s "http://127.0.0.1:$ARCHWAY_PORT/" >/dev/null

echo
echo "$(date -u +%Y-%m-%d) $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(java -version 2>&1 | head -1)"
echo "wrk -t1 -c$CONNECTIONS -d${DURATION}s, $ROUNDS rounds; proxy pinned to CPU $PROXY_CPU, wrk and upstream to CPU $LOAD_CPU"
printf '%-5s %-8s %12s %9s %9s %11s %8s  %s\n' round proxy 'requests/s' 'p50 ms' 'p99 ms' 'CPU us/req' 'RSS MiB' errors
RATIOS=()
for round in $(seq 1 "$ROUNDS"); do
  A=$(run archway "$ARCHWAY_PORT" "$ARCHWAY_PID")
  N=$(run nginx "$NGINX_PORT" "$NGINX_PID")
  H=$(run haproxy "$HAPROXY_PORT" "$HAPROXY_PID")
  for line in "$A" "$N" "$H"; do
    read -r name rps p50 p99 cpu rss errors <<<"$line"
    printf '%-5s %-8s %12s %9s %9s %11s %8s  %s\n' "$round" "$name" "$rps" "$p50" "$p99" "$cpu" "$rss" "$errors"
  done
  read -r _ arps _ ap99 acpu _ <<<"$A"; read -r _ nrps _ np99 ncpu _ <<<"$N"; read -r _ hrps _ hp99 hcpu _ <<<"$H"
  RATIOS+=("$(awk -v a="$arps" -v n="$nrps" -v h="$hrps" -v ap="$ap99" -v np="$np99" -v hp="$hp99" \
      -v ac="$acpu" -v nc="$ncpu" -v hc="$hcpu" \
      'BEGIN { printf "%.2f %.2f %.2f %.2f %.2f %.2f", a/n, ap/np, ac/nc, a/h, ap/hp, ac/hc }')")
  read -r r1 r2 r3 r4 r5 r6 <<<"${RATIOS[-1]}"
  echo "      round $round: Archway/nginx requests/s ${r1}x, p99 ${r2}x, CPU ${r3}x; Archway/HAProxy ${r4}x, p99 ${r5}x, CPU ${r6}x"
done
# median of each ratio column over the rounds
printf '%s\n' "${RATIOS[@]}" | awk '{ for (i = 1; i <= NF; i++) v[i, NR] = $i } END {
  for (i = 1; i <= 6; i++) { n = 0; for (r = 1; r <= NR; r++) col[++n] = v[i, r]
    for (x = 1; x <= n; x++) for (y = x + 1; y <= n; y++) if (col[y] < col[x]) { t = col[x]; col[x] = col[y]; col[y] = t }
    m[i] = (n % 2) ? col[(n + 1) / 2] : (col[n / 2] + col[n / 2 + 1]) / 2 }
  printf "median over %d rounds:\n", NR
  printf "Archway/nginx:   requests/s %.2fx, p99 %.2fx, CPU per request %.2fx\n", m[1], m[2], m[3]
  printf "Archway/HAProxy: requests/s %.2fx, p99 %.2fx, CPU per request %.2fx\n", m[4], m[5], m[6] }'

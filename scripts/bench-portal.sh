#!/usr/bin/env bash
# The portal under load against nginx serving the same bytes (BENCHMARKS.md, "Portal pages").
#
# A release build of gongkai serves the demo data (`gongkai demo`) on 127.0.0.1, pinned to CPU 0;
# nginx (Debian; one worker) serves the very HTML that gongkai answered, as static files, pinned to
# CPU 0 too; the load generator (oha from crates.io, else wrk from Debian) runs on CPU 1. Targets:
#   home   GET /fuxin-zrzyj/                 (the agency's disclosure home)
#   track  POST /fuxin-zrzyj/track           (number + 查询码 of a request filed for the run; the
#                                             JSON GET /api/v1/requests/{number} when the page is absent)
# and each one's bytes from nginx. Everything stays on the loopback interface and every run is
# bounded in time. Usage: scripts/bench-portal.sh [SECONDS per run, default 10] [CONNECTIONS, 32]
set -euo pipefail
cd "$(dirname "$0")/.."

secs="${1:-10}"
conns="${2:-32}"
export CARGO_BUILD_JOBS="${CARGO_BUILD_JOBS:-2}"

need() { command -v "$1" >/dev/null 2>&1; }
apt_install() {
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}
need nginx || apt_install nginx
need curl || apt_install curl
need taskset || apt_install util-linux
[ "$(nproc)" -ge 2 ] || { echo "bench-portal: needs two CPUs (server on 0, load on 1)" >&2; exit 1; }

# The load generator: oha (installed into ~/.cargo/bin when missing), else wrk.
export PATH="$HOME/.cargo/bin:$PATH"
if [ "${BENCH_LOADGEN:-oha}" = oha ] && ! need oha; then
    cargo install oha --locked >/dev/null 2>&1 || echo "bench-portal: oha did not install; using wrk" >&2
fi
if [ "${BENCH_LOADGEN:-oha}" = oha ] && need oha; then loadgen=oha; else loadgen=wrk; need wrk || apt_install wrk; fi

# GONGKAI_BENCH_BIN: an already built binary (e.g. to try this script); else the release build.
bin="${GONGKAI_BENCH_BIN:-}"
if [ -z "$bin" ]; then
    cargo build --release --locked -p gongkai >/dev/null
    bin="$PWD/target/release/gongkai"
fi

work=$(mktemp -d /tmp/gongkai-bench.XXXXXX)
server_pid=""
nginx_pid=""
cleanup() {
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
    [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null || true
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

"$bin" demo --data "$work/data" >/dev/null
# Rate limits off: the benchmark is one client address sending thousands of requests a second.
taskset -c 0 "$bin" serve --data "$work/data" --bind 127.0.0.1:0 --filing-limit 0 \
    --tracking-limit 0 --max-connections 4096 >"$work/serve.log" 2>&1 &
server_pid=$!
for _ in $(seq 100); do
    grep -q "listening on" "$work/serve.log" && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$work/serve.log" >&2; exit 1; }
    sleep 0.1
done
base=$(grep -o 'http://[0-9.:]*' "$work/serve.log" | head -n 1)
[ -n "$base" ] || { echo "bench-portal: gongkai did not start" >&2; cat "$work/serve.log" >&2; exit 1; }

agency=fuxin-zrzyj
# One request filed as the public does, for its number and 查询码.
filed=$(curl -fsS -H 'content-type: application/json' "$base/api/v1/agencies/$agency/requests" -d '{
  "applicant": {"kind": "natural_person", "name": "李四", "id_number": "11010519491231002X", "phone": "13800138000", "email": "lisi@example.cn"},
  "description": "2020年某地块征收补偿方案", "channel": "online", "delivery": "email"}')
number=$(printf '%s' "$filed" | python3 -c 'import json,sys; print(json.load(sys.stdin)["number"])')
code=$(printf '%s' "$filed" | python3 -c 'import json,sys; print(json.load(sys.stdin)["query_code"])')

# The bytes nginx will serve: exactly what gongkai answers.
mkdir -p "$work/www/$agency"
home_status=$(curl -sS -o "$work/www/$agency/index.html" -w '%{http_code}' "$base/$agency/")
track_body="number=$number&query_code=$code"
track_status=$(curl -sS -o "$work/www/track.html" -w '%{http_code}' -H 'Sec-Fetch-Site: same-origin' \
    -H 'content-type: application/x-www-form-urlencoded' --data "$track_body" "$base/$agency/track")
if [ "$track_status" = 200 ]; then
    track_kind=page
else
    track_kind=json
    track_status=$(curl -sS -o "$work/www/track.html" -w '%{http_code}' "$base/api/v1/requests/$number?query_code=$code")
fi
[ "$home_status" = 200 ] || echo "bench-portal: warning: GET /$agency/ answered $home_status (is the agency home page in this build?)" >&2

chmod 755 "$work" && chmod -R a+rX "$work/www"   # nginx's worker is not root
ngport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat >"$work/nginx.conf" <<EOF
worker_processes 1;
daemon off;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 4096; }
http {
    access_log off;
    server {
        listen 127.0.0.1:$ngport;
        root $work/www;
        default_type "text/html; charset=utf-8";
        location / { index index.html; }
    }
}
EOF
taskset -c 0 nginx -c "$work/nginx.conf" -p "$work" &
nginx_pid=$!
for _ in $(seq 50); do curl -fsS -o /dev/null "http://127.0.0.1:$ngport/track.html" 2>/dev/null && break; sleep 0.1; done
ngbase="http://127.0.0.1:$ngport"

# run NAME URL [METHOD BODY]: prints "NAME req/s p50 p99 (ms) non-2xx"
run() {
    local name=$1 url=$2 method=${3:-GET} body=${4:-}
    local extra=()
    if [ -n "$body" ]; then
        extra=(-H 'content-type: application/x-www-form-urlencoded' -H 'Sec-Fetch-Site: same-origin')
    fi
    if [ "$loadgen" = oha ]; then
        if [ -n "$body" ]; then extra+=(-d "$body"); fi
        # A short warm-up, then the measured run.
        taskset -c 1 oha -c "$conns" -z 2s --no-tui -m "$method" "${extra[@]}" "$url" >/dev/null
        taskset -c 1 oha -c "$conns" -z "${secs}s" --no-tui --output-format json -m "$method" \
            "${extra[@]}" "$url" >"$work/out.json"
        python3 - "$name" "$work/out.json" <<'PY'
import json, sys
name, path = sys.argv[1], sys.argv[2]
r = json.load(open(path))
codes = r.get("statusCodeDistribution", {})
bad = sum(n for c, n in codes.items() if not c.startswith("2"))
p = r["latencyPercentiles"]
print(f"{name:<14} {r['summary']['requestsPerSec']:>10.0f} req/s  p50 {p['p50']*1000:6.2f} ms  p99 {p['p99']*1000:6.2f} ms  non-2xx {bad}")
PY
    else
        local script=""
        if [ -n "$body" ]; then
            script="$work/post.lua"
            printf 'wrk.method = "POST"\nwrk.body = "%s"\nwrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\nwrk.headers["Sec-Fetch-Site"] = "same-origin"\n' "$body" >"$script"
        fi
        taskset -c 1 wrk -t 1 -c "$conns" -d 2s ${script:+-s "$script"} "$url" >/dev/null
        taskset -c 1 wrk -t 1 -c "$conns" -d "${secs}s" --latency ${script:+-s "$script"} "$url" >"$work/out.txt"
        python3 - "$name" "$work/out.txt" <<'PY'
import re, sys
name, text = sys.argv[1], open(sys.argv[2]).read()
def ms(s):
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m)", s)
    if not m:
        sys.exit(f"bench-portal: cannot read the latency {s!r} in wrk's output:\n{text}")
    v, u = float(m.group(1)), m.group(2)
    return {"us": v / 1000, "ms": v, "s": v * 1000, "m": v * 60000}[u]
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
p50 = ms(re.search(r"50%\s+(\S+)", text).group(1)); p99 = ms(re.search(r"99%\s+(\S+)", text).group(1))
bad = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
print(f"{name:<14} {rps:>10.0f} req/s  p50 {p50:6.2f} ms  p99 {p99:6.2f} ms  non-2xx {bad.group(1) if bad else 0}")
PY
    fi
}

echo "bench-portal: $(nproc) CPUs ($(lscpu | sed -n 's/^Model name: *//p')), $loadgen, $conns connections, ${secs}s per run"
echo "bench-portal: home page $(wc -c <"$work/www/$agency/index.html") bytes (HTTP $home_status); tracking ($track_kind) $(wc -c <"$work/www/track.html") bytes (HTTP $track_status)"
results=$(
    run "home gongkai" "$base/$agency/"
    run "home nginx" "$ngbase/$agency/"
    if [ "$track_kind" = page ]; then
        run "track gongkai" "$base/$agency/track" POST "$track_body"
    else
        run "track gongkai" "$base/api/v1/requests/$number?query_code=$code"
    fi
    run "track nginx" "$ngbase/track.html"
)
echo "$results"
echo "$results" | python3 -c '
import re, sys
rows = {l[:14].strip(): l for l in sys.stdin.read().splitlines()}
rps = {k: float(re.search(r"([\d.]+) req/s", v).group(1)) for k, v in rows.items()}
p99 = {k: float(re.search(r"p99 +([\d.]+) ms", v).group(1)) for k, v in rows.items()}
ok = True
for page in ("home", "track"):
    ours, theirs = page + " gongkai", page + " nginx"
    ratio = rps[ours] / rps[theirs]
    met = ratio >= 0.30 and p99[ours] < 10
    ok = ok and met
    verdict = "target met" if met else "TARGET MISSED"
    print("%s: gongkai/nginx = %.0f%%, gongkai p99 %.2f ms -> %s (>= 30%%, p99 < 10 ms)" % (page, ratio * 100, p99[ours], verdict))
sys.exit(0 if ok else 3)
'

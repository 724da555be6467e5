#!/usr/bin/env bash
# Replay the container image's build and run steps WITHOUT a container engine (scripts/docker.sh
# calls this where docker has no daemon). What it checks is what the Dockerfile relies on:
#   1. the build stage: `pip wheel ".[service,postgres]"` from ONLY the files the Dockerfile copies
#      (pyproject.toml, README.md, LICENSE, calmline/), so a file missing from the package shows here;
#   2. the final stage: an offline install from those wheels alone (`--no-index`) into a clean venv;
#   3. the command: `calmline serve` as a non-root user (uid 10001, as in the image) answering /ready,
#      on PostgreSQL when CALMLINE_TEST_PG_URL is set (docker-compose.yml's production path), else SQLite.
# What it cannot check: the base image itself, the HEALTHCHECK wiring and compose networking.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
work=$(mktemp -d /tmp/calmline-image.XXXXXX)
chmod 755 "$work"
server=""
cleanup() { [ -z "$server" ] || kill "$server" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

mkdir -p "$work/src" "$work/data"
cp pyproject.toml README.md LICENSE "$work/src/"
cp -r calmline "$work/src/calmline"
find "$work/src" -name __pycache__ -prune -exec rm -rf {} +
"$PY" -m pip wheel -q --disable-pip-version-check --wheel-dir "$work/wheels" "$work/src[service,postgres]" \
  >"$work/wheel.log" 2>&1 || { tail -20 "$work/wheel.log" >&2; echo "image replay: build stage failed" >&2; exit 1; }
"$PY" -m venv "$work/venv"
"$work/venv/bin/pip" install -q --disable-pip-version-check --no-index --find-links="$work/wheels" \
  "calmline[service,postgres]" >"$work/install.log" 2>&1 \
  || { tail -20 "$work/install.log" >&2; echo "image replay: offline install from the wheels failed" >&2; exit 1; }
"$work/venv/bin/calmline" --version

url=${CALMLINE_TEST_PG_URL:-sqlite:///$work/data/calmline.db}
db=$([ -n "${CALMLINE_TEST_PG_URL:-}" ] && echo PostgreSQL || echo SQLite)
port=$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
as_user=()
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null 2>&1; then
  chown 10001:10001 "$work/data"
  as_user=(setpriv --reuid=10001 --regid=10001 --clear-groups)
fi
(cd "$work/data" && exec env -i PATH=/usr/bin:/bin HOME="$work/data" CALMLINE_DATABASE_URL="$url" \
  CALMLINE_ADMIN_TOKEN=cl_ci_cisecret "${as_user[@]}" "$work/venv/bin/calmline" serve --host 127.0.0.1 \
  --port "$port" --log-level warning >"$work/serve.log" 2>&1) &
server=$!
for _ in $(seq 90); do
  if "$PY" -c "import urllib.request as u; u.urlopen('http://127.0.0.1:$port/ready', timeout=2)" 2>/dev/null; then
    uid=$( [ ${#as_user[@]} -gt 0 ] && echo 10001 || id -u )
    echo "docker image: no engine here; replayed its steps: wheels from the copied files, offline install, ready on $db as uid $uid"
    exit 0
  fi
  sleep 1
done
tail -30 "$work/serve.log" >&2
echo "image replay: calmline serve did not become ready in 90 s" >&2
exit 1

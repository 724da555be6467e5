#!/usr/bin/env bash
# Start a throwaway PostgreSQL cluster on 127.0.0.1 (random free port, temp dir) and print its URL.
#   eval "$(bash scripts/pg.sh)"     # exports CALMLINE_TEST_PG_URL and CALMLINE_PG_STOP
#   bash scripts/pg.sh --url          # prints only the URL
# Installs postgresql from Debian packages when missing (needs root/apt). PostgreSQL refuses to
# run as root, so as root the cluster runs as the 'postgres' user (runuser). Stop it with:
#   eval "$CALMLINE_PG_STOP"
set -euo pipefail

BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
if [ -z "$BIN" ] || [ ! -x "$BIN/initdb" ]; then
  if [ "$(id -u)" -ne 0 ]; then echo "postgresql is not installed; run as root or: sudo apt-get install -y postgresql" >&2; exit 2; fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq postgresql >&2
  BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
fi

DIR=$(mktemp -d /tmp/calmline-pg.XXXXXX)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
RUN=()
if [ "$(id -u)" -eq 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --home "$DIR" postgres
  chown postgres "$DIR"
  RUN=(runuser -u postgres --)
fi
"${RUN[@]}" "$BIN/initdb" -D "$DIR/data" -U calmline --auth=trust -E UTF8 >"$DIR/initdb.log" 2>&1 \
  || { cat "$DIR/initdb.log" >&2; exit 1; }
"${RUN[@]}" "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w \
  -o "-h 127.0.0.1 -p $PORT -k $DIR -c fsync=off -c synchronous_commit=off -c max_connections=300" start >&2 \
  || { cat "$DIR/server.log" >&2; exit 1; }
"${RUN[@]}" "$BIN/createdb" -h 127.0.0.1 -p "$PORT" -U calmline calmline

URL="postgresql://calmline@127.0.0.1:$PORT/calmline"
STOP="${RUN[*]} $BIN/pg_ctl -D $DIR/data -m immediate stop >/dev/null; rm -rf $DIR"
if [ "${1:-}" = "--url" ]; then
  echo "$URL"
else
  echo "export CALMLINE_TEST_PG_URL='$URL'"
  echo "export CALMLINE_PG_STOP='$STOP'"
fi

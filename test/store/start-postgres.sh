#!/bin/sh
# A throw-away PostgreSQL cluster on a loopback port, for the store tests (Debian package `postgresql`).
#
#   eval "$(test/store/start-postgres.sh)"        # starts it; exports LAUNCHREADY_TEST_PG_URL
#   npx vitest run test/store                      # the PostgreSQL cases now run instead of skipping
#   test/store/start-postgres.sh stop              # stops it and deletes its files
#
# Optional: PORT as the last argument (default 55432); LAUNCHREADY_PG_DIR for the data directory.
# Only stdout carries the export line; progress goes to stderr. Trust auth on 127.0.0.1 only,
# fsync off: it is a test cluster that lives for one CI run.
set -eu

ACTION=start
if [ "${1:-}" = "stop" ] || [ "${1:-}" = "start" ]; then ACTION=$1; shift; fi
PORT=${1:-55432}
DIR=${LAUNCHREADY_PG_DIR:-/tmp/launchready-pg-$PORT}

BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$BIN" ] || [ ! -x "$BIN/pg_ctl" ]; then
  echo "start-postgres.sh: PostgreSQL server binaries not found; run: apt-get install -y postgresql" >&2
  exit 1
fi

# initdb and postgres refuse to run as root: use the Debian package's postgres account.
if [ "$(id -u)" = "0" ]; then
  AS="runuser -u postgres --"
else
  AS=""
fi

if [ "$ACTION" = "stop" ]; then
  if [ -d "$DIR/data" ]; then $AS "$BIN/pg_ctl" -D "$DIR/data" -m immediate -w stop >&2 || true; fi
  rm -rf "$DIR"
  exit 0
fi

if [ -f "$DIR/data/postmaster.pid" ]; then
  $AS "$BIN/pg_ctl" -D "$DIR/data" -m immediate -w stop >&2 || true
fi
rm -rf "$DIR"
mkdir -p "$DIR"
if [ -n "$AS" ]; then chown postgres "$DIR"; fi

$AS "$BIN/initdb" -D "$DIR/data" -U launchready -A trust -E UTF8 --no-sync >"$DIR/initdb.log" 2>&1 || {
  cat "$DIR/initdb.log" >&2
  exit 1
}
$AS "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w -t 30 \
  -o "-c listen_addresses=127.0.0.1 -p $PORT -k $DIR -c fsync=off -c full_page_writes=off -c max_connections=50" start >&2 || {
  cat "$DIR/server.log" >&2
  exit 1
}

echo "export LAUNCHREADY_TEST_PG_URL=postgres://launchready@127.0.0.1:$PORT/postgres"

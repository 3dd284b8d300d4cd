#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster for the store tests (Debian's postgresql-15 package, installed
# by `scripts/setup.sh --test`), listening on 127.0.0.1 only, trust auth, fsync off.
#   scripts/pg-test-server.sh start   start it (no-op when already running) and print the DSN
#   scripts/pg-test-server.sh dsn     print the DSN of the running cluster (exit 1 if none)
#   scripts/pg-test-server.sh stop    stop it and delete its folder (no-op when not running)
# Typical use: export PG_TEST_DSN=$(scripts/pg-test-server.sh start)
# The cluster lives in $SPARKPLANE_PG_TEST_DIR (default /tmp/sparkplane-pg-test-<uid>).
# Run as root, the server runs as the `postgres` user (initdb refuses root).
set -euo pipefail

pg_bin=${SPARKPLANE_PG_BIN:-/usr/lib/postgresql/15/bin}
dir=${SPARKPLANE_PG_TEST_DIR:-${TMPDIR:-/tmp}/sparkplane-pg-test-$(id -u)}
data="$dir/data"

log() { echo "pg-test-server: $*" >&2; }

# Runs a PostgreSQL binary as the cluster owner.
as_owner() {
  if (( EUID == 0 )); then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

running() {
  [[ -f "$data/postmaster.pid" ]] && as_owner "$pg_bin/pg_ctl" -D "$data" status >/dev/null 2>&1
}

dsn() { echo "postgresql://postgres@127.0.0.1:$(cat "$dir/port")/postgres"; }

# A port nothing listens on (bash only: no python on a bare machine). Racy by nature; start
# retries with another port when the server cannot bind.
free_port() {
  local port
  for _ in $(seq 100); do
    port=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return
    fi
  done
  log "no free port found"
  exit 1
}

start() {
  if running; then
    dsn
    return
  fi
  if [[ ! -x "$pg_bin/initdb" ]]; then
    log "no $pg_bin/initdb; install postgresql-15 (scripts/setup.sh --test)"
    exit 1
  fi
  if (( EUID == 0 )) && ! getent passwd postgres >/dev/null; then
    log "running as root but there is no 'postgres' user (the postgresql-15 package creates it)"
    exit 1
  fi
  # A stale folder from a crashed run: start over.
  rm -rf "$dir"
  mkdir -p "$dir"
  chmod 700 "$dir"
  (( EUID == 0 )) && chown postgres: "$dir"
  as_owner "$pg_bin/initdb" -D "$data" -U postgres -A trust -E UTF8 --locale=C >"$dir/initdb.log" 2>&1 || {
    log "initdb failed:"
    cat "$dir/initdb.log" >&2
    exit 1
  }
  # The port is free when probed; another process could take it before the server binds, so retry.
  for _ in 1 2 3 4 5; do
    local port
    port=$(free_port)
    if as_owner "$pg_bin/pg_ctl" -D "$data" -l "$dir/server.log" -w -t 30 start \
        -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories='$dir' \
            -c fsync=off -c synchronous_commit=off -c full_page_writes=off \
            -c max_connections=200" >/dev/null 2>&1; then
      echo "$port" >"$dir/port"
      dsn
      return
    fi
    log "start on port $port failed, retrying"
  done
  log "could not start PostgreSQL; server log:"
  tail -n 30 "$dir/server.log" >&2 || true
  exit 1
}

stop() {
  if running; then
    as_owner "$pg_bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null
  fi
  rm -rf "$dir"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  dsn)
    if running; then
      dsn
    else
      log "not running (scripts/pg-test-server.sh start)"
      exit 1
    fi
    ;;
  *)
    echo "usage: $0 start|stop|dsn" >&2
    exit 2
    ;;
esac

#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the test suite, on loopback, in a temporary folder.
#
#   eval "$(scripts/pg-test-server.sh start)"   # exports KOOGATE_TEST_DATABASE_URL and KOOGATE_PG_DIR
#   scripts/pg-test-server.sh stop "$KOOGATE_PG_DIR"
#
# `start` finds initdb/pg_ctl on PATH or under /usr/lib/postgresql/*/bin; when they are absent and this
# runs as root it installs Debian's `postgresql` package. The cluster trusts every local connection
# (--auth=trust): it holds nothing but test databases and is deleted by `stop`. Its unix socket lives in
# the cluster's own folder, so it never collides with a system PostgreSQL.
set -euo pipefail

log() { printf 'pg-test-server: %s\n' "$*" >&2; }

find_bin_dir() {
  if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
    dirname "$(command -v initdb)"
    return 0
  fi
  local d
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [[ -x "$d/initdb" && -x "$d/pg_ctl" ]]; then
      echo "$d"
      return 0
    fi
  done
  return 1
}

# Runs a command as the cluster's owner: `postgres` when we are root (initdb refuses root), else ourselves.
as_owner() {
  if [[ $(id -u) -eq 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

free_port() {
  node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

start() {
  local bin
  if ! bin=$(find_bin_dir); then
    if [[ $(id -u) -ne 0 ]]; then
      log "initdb/pg_ctl not found and not root: install PostgreSQL (apt-get install -y postgresql)"
      exit 1
    fi
    log "installing PostgreSQL (apt-get install -y postgresql)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update >&2
    apt-get install -y --no-install-recommends postgresql >&2
    bin=$(find_bin_dir) || { log "PostgreSQL installed but initdb not found"; exit 1; }
  fi
  if [[ $(id -u) -eq 0 ]] && ! id postgres >/dev/null 2>&1; then
    useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
  fi

  local dir port
  dir=$(mktemp -d "${TMPDIR:-/tmp}/koogate-pg-XXXXXX")
  [[ $(id -u) -eq 0 ]] && chown postgres: "$dir"
  as_owner "$bin/initdb" -D "$dir/data" --auth=trust --username=postgres --encoding=UTF8 --locale=C >"$dir/initdb.log" 2>&1 || {
    cat "$dir/initdb.log" >&2
    exit 1
  }
  port=$(free_port)
  # fsync off: a test cluster trades durability for speed (each test creates a database).
  as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
    start >&2 || {
    cat "$dir/server.log" >&2
    exit 1
  }
  log "$("$bin/pg_ctl" --version) on 127.0.0.1:$port (folder $dir)"
  echo "export KOOGATE_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:$port/postgres"
  echo "export KOOGATE_PG_DIR=$dir"
  echo "export KOOGATE_PG_BIN=$bin"
}

stop() {
  local dir=${1:-${KOOGATE_PG_DIR:-}}
  [[ -n "$dir" && -d "$dir" ]] || { log "stop: no cluster folder given"; return 0; }
  local bin
  bin=${KOOGATE_PG_BIN:-$(find_bin_dir || true)}
  if [[ -f "$dir/data/postmaster.pid" && -n "$bin" ]]; then
    as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >&2 || true
  fi
  rm -rf "$dir"
  log "stopped and removed $dir"
}

case "${1:-}" in
  start) start ;;
  stop) stop "${2:-}" ;;
  *)
    echo "usage: $0 start | stop <folder>" >&2
    exit 2
    ;;
esac

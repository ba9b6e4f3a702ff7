#!/usr/bin/env bash
# Throwaway PostgreSQL cluster for the registry's contract tests.
#   scripts/pg-test-cluster.sh start DIR   -> prints a postgres:// URL on stdout
#   scripts/pg-test-cluster.sh stop DIR    -> stops the server and removes DIR
#   scripts/pg-test-cluster.sh down DIR [fast|immediate]  -> stops the server, keeps the data
#   scripts/pg-test-cluster.sh up DIR      -> starts it again on the same port
# (down/up are for fault tests: a database restart under a running registry.)
# Installs Debian's postgresql when initdb is missing (CI runs as root).
# The cluster runs as the unprivileged 'postgres' user when started as root,
# listens on 127.0.0.1 only, on a free port, with trust auth for loopback.
set -euo pipefail

cmd=${1:?usage: $0 start|stop|down|up DIR}
dir=${2:?usage: $0 start|stop|down|up DIR}

find_bin() {
  local found
  found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  echo "$found"
}

as_owner() {
  if [ "$(id -u)" = "0" ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start_server() {
  as_owner "$1/pg_ctl" -D "$2/data" -l "$2/server.log" -w \
    -o "-c listen_addresses=127.0.0.1 -c port=$3 -c unix_socket_directories=$2 -c fsync=off" start >/dev/null
}

case "$cmd" in
  start)
    bin=$(find_bin)
    if [ -z "$bin" ]; then
      echo "installing postgresql from Debian's packages" >&2
      export DEBIAN_FRONTEND=noninteractive
      apt-get update -qq >&2
      apt-get install -y -qq postgresql >&2
      bin=$(find_bin)
    fi
    mkdir -p "$dir"
    if [ "$(id -u)" = "0" ]; then chown postgres:postgres "$dir"; fi
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
    as_owner "$bin/initdb" -D "$dir/data" -U imprint --auth=trust -E UTF8 >/dev/null
    echo "$port" >"$dir/port"
    start_server "$bin" "$dir" "$port"
    as_owner "$bin/createdb" -h 127.0.0.1 -p "$port" -U imprint imprint_test
    echo "postgres://imprint@127.0.0.1:$port/imprint_test"
    ;;
  stop)
    bin=$(find_bin)
    if [ -n "$bin" ] && [ -d "$dir/data" ]; then
      as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null || true
    fi
    rm -rf "$dir"
    ;;
  down)
    mode=${3:-fast}
    as_owner "$(find_bin)/pg_ctl" -D "$dir/data" -m "$mode" -w stop >/dev/null
    ;;
  up)
    start_server "$(find_bin)" "$dir" "$(cat "$dir/port")"
    ;;
  *)
    echo "usage: $0 start|stop|down|up DIR" >&2
    exit 2
    ;;
esac

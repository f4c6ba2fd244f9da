#!/usr/bin/env bash
# A PostgreSQL database for the integration tests.
#
#   test-postgres.sh start DIR   uses the server at 127.0.0.1:5432 where one answers (trust auth);
#                                otherwise starts a private cluster in DIR on a free port, installing
#                                Debian's postgresql first if no server binaries are found. Creates a
#                                fresh database and writes DIR/postgresql.properties (url, user).
#   test-postgres.sh stop DIR    drops that database and stops the private cluster (by its PID).
set -euo pipefail
cmd=${1:?usage: test-postgres.sh start|stop DIR}
dir=${2:?usage: test-postgres.sh start|stop DIR}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
props="$dir/postgresql.properties"

log() { echo "test-postgres: $*" >&2; }
answers() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
pg_bin() {
  local d
  for d in /usr/lib/postgresql/*/bin; do
    [ -x "$d/pg_ctl" ] && { echo "$d"; return 0; }
  done
  command -v pg_ctl >/dev/null && { dirname "$(command -v pg_ctl)"; return 0; }
  return 1
}
as_owner() { # run as the cluster's owner: postgres when we are root (initdb refuses root)
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
need_packages() {
  [ "$(id -u)" = 0 ] || { log "PostgreSQL is not installed and this user cannot install it: apt-get install postgresql"; exit 1; }
  log "installing Debian's postgresql ($*)..."
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

start() {
  local host=127.0.0.1 port user=postgres
  if answers 5432; then
    port=5432
    command -v psql >/dev/null || need_packages postgresql-client
    log "using the PostgreSQL server at $host:$port"
  else
    local bin
    bin=$(pg_bin) || { need_packages postgresql; bin=$(pg_bin); }
    port=55432
    while answers "$port"; do port=$((port + 1)); done
    local data="$dir/data"
    rm -rf "$data"
    mkdir -p "$data"
    [ "$(id -u)" = 0 ] && chown -R postgres "$dir"
    as_owner "$bin/initdb" -D "$data" -U postgres --auth=trust -E UTF8 >"$dir/initdb.log" 2>&1 ||
      { cat "$dir/initdb.log" >&2; exit 1; }
    as_owner "$bin/pg_ctl" -D "$data" -l "$dir/postgresql.log" -w -t 60 \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null ||
      { cat "$dir/postgresql.log" >&2; exit 1; }
    head -1 "$data/postmaster.pid" >"$dir/private.pid"
    log "started a private PostgreSQL cluster on $host:$port (PID $(cat "$dir/private.pid"))"
  fi
  # A name no concurrent build can share: PIDs wrap quickly on a busy machine, and a build that
  # took another's name would drop its database in the middle of its tests (seen: two builds
  # with the same PID-named database). CREATE fails on a clash rather than replacing anything.
  local db
  db="careledger_it_$$_$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"
  psql -v ON_ERROR_STOP=1 -q -h "$host" -p "$port" -U "$user" -d postgres \
    -c "CREATE DATABASE $db" >/dev/null
  {
    echo "host=$host"
    echo "port=$port"
    echo "database=$db"
    echo "user=$user"
    echo "url=jdbc:postgresql://$host:$port/$db"
  } >"$props"
}

stop() {
  if [ -f "$props" ]; then
    local host port db user
    host=$(sed -n 's/^host=//p' "$props")
    port=$(sed -n 's/^port=//p' "$props")
    db=$(sed -n 's/^database=//p' "$props")
    user=$(sed -n 's/^user=//p' "$props")
    psql -q -h "$host" -p "$port" -U "$user" -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" \
      >/dev/null 2>&1 || log "could not drop $db (left for the next run)"
    rm -f "$props"
  fi
  if [ -f "$dir/private.pid" ]; then
    local pid
    pid=$(cat "$dir/private.pid")
    if kill -0 "$pid" 2>/dev/null; then
      kill -INT "$pid" # PostgreSQL's fast shutdown
      for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
      kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
      log "stopped the private PostgreSQL cluster (PID $pid)"
    fi
    rm -f "$dir/private.pid"
  fi
}

case "$cmd" in
start) start ;;
stop) stop ;;
*) echo "usage: test-postgres.sh start|stop DIR" >&2; exit 2 ;;
esac

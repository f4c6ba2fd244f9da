#!/usr/bin/env bash
# CareLedger node launcher: the one entry point for running a node on this machine.
#
#   server-config/node.sh up        build what is missing, configure, start, wait until ready
#   server-config/node.sh down      stop the node this script started (by its PID)
#   server-config/node.sh status    say whether it runs and whether it is ready
#   server-config/node.sh configure create/refresh the node home and its WildFly configuration only
#   server-config/node.sh cli ARGS  run jboss-cli ARGS (e.g. --file=x.cli) against the running node
#   server-config/node.sh build     build what is missing (WildFly, the EAR, the federation tool)
#
# federation.sh runs several nodes, each through this script, and connects them with JMS bridges.
#
# Settings (environment; remembered in <home>/node.properties after the first 'up'):
#   CARELEDGER_INSTITUTION   institution id, e.g. st-mary-hospital        (default demo-hospital)
#   CARELEDGER_HOME          the node's private directory: config, keys, database, logs
#                            (default ~/.careledger/<institution>; never inside the repository)
#   CARELEDGER_PORT_OFFSET   added to every WildFly port: 8443+N HTTPS, 9990+N management (default 0)
#   CARELEDGER_BIND          address to listen on (default 127.0.0.1)
#   CARELEDGER_DB            h2 (default, embedded file database) or postgresql
#   CARELEDGER_DB_URL, CARELEDGER_DB_USER   JDBC URL and user for PostgreSQL
#   CARELEDGER_DB_PASSWORD   PostgreSQL password; kept in the node's credential store, not in files
#   CARELEDGER_JAVA_OPTS     JVM options for the server (default -Xms128m -Xmx768m)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
ready_timeout=${CARELEDGER_READY_TIMEOUT:-240}
tmp_files=()
trap 'rm -f "${tmp_files[@]}"' EXIT

die() {
  echo "node.sh: $*" >&2
  exit 1
}
info() { echo "node.sh: $*"; }

# ---------------------------------------------------------------------------------------------
# Settings
# ---------------------------------------------------------------------------------------------
institution=${CARELEDGER_INSTITUTION:-}
node_home=${CARELEDGER_HOME:-}
if [ -z "$node_home" ]; then
  node_home="$HOME/.careledger/${institution:-demo-hospital}"
fi
case "$node_home" in /*) ;; *) node_home="$(pwd)/$node_home" ;; esac
props="$node_home/node.properties"
base_dir="$node_home/server"
pid_file="$node_home/node.pid"

prop() { # prop KEY [DEFAULT]: a value from node.properties
  local value=""
  if [ -f "$props" ]; then
    value=$(grep -E "^$1=" "$props" | tail -1 | cut -d= -f2- || true)
  fi
  echo "${value:-${2:-}}"
}

set_prop() { # set_prop KEY VALUE: write or replace a key in node.properties
  local tmp
  tmp=$(mktemp "$node_home/.node.properties.XXXX")
  if [ -f "$props" ]; then grep -vE "^$1=" "$props" >"$tmp" || true; fi
  printf '%s=%s\n' "$1" "$2" >>"$tmp"
  chmod 600 "$tmp"
  mv "$tmp" "$props"
}

load_settings() {
  institution=${institution:-$(prop careledger.institution.id demo-hospital)}
  [[ "$institution" =~ ^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])$ ]] ||
    die "institution id '$institution' is not valid: use 2-63 lower-case letters, digits and inner hyphens (CARELEDGER_INSTITUTION)"
  offset=${CARELEDGER_PORT_OFFSET:-$(prop careledger.port.offset 0)}
  [[ "$offset" =~ ^[0-9]+$ ]] && [ "$offset" -le 50000 ] ||
    die "CARELEDGER_PORT_OFFSET must be a number from 0 to 50000, not '$offset'"
  bind=${CARELEDGER_BIND:-$(prop careledger.bind 127.0.0.1)}
  db_kind=${CARELEDGER_DB:-$(prop careledger.db.kind h2)}
  case "$db_kind" in
  h2)
    db_driver=h2
    db_url=${CARELEDGER_DB_URL:-$(prop careledger.db.url "")}
    [[ "$db_url" == jdbc:h2:* ]] || db_url="jdbc:h2:file:$node_home/db/careledger;DB_CLOSE_ON_EXIT=FALSE"
    db_user=${CARELEDGER_DB_USER:-sa}
    ;;
  postgresql)
    db_driver=postgresql
    db_url=${CARELEDGER_DB_URL:-$(prop careledger.db.url "")}
    [[ "$db_url" == jdbc:postgresql:* ]] ||
      die "CARELEDGER_DB=postgresql needs CARELEDGER_DB_URL=jdbc:postgresql://HOST:PORT/DATABASE"
    db_user=${CARELEDGER_DB_USER:-$(prop careledger.db.user postgres)}
    ;;
  *) die "CARELEDGER_DB must be h2 or postgresql, not '$db_kind'" ;;
  esac
  http_port=$((8080 + offset))
  https_port=$((8443 + offset))
  mgmt_port=$((9990 + offset))
}

# ---------------------------------------------------------------------------------------------
# Build and install
# ---------------------------------------------------------------------------------------------
find_jboss_home() {
  local version
  version=$(sed -n 's:.*<wildfly.version>\(.*\)</wildfly.version>.*:\1:p' "$root/pom.xml" | head -1)
  jboss_home="$here/target/wildfly-$version"
  ear="$here/target/careledger.ear"
}

ensure_built() {
  find_jboss_home
  if [ ! -x "$jboss_home/bin/standalone.sh" ] || [ ! -f "$ear" ] ||
    [ ! -f "$jboss_home/modules/org/postgresql/main/postgresql.jar" ] ||
    [ ! -f "$here/target/classes/org/careledger/federation/tool/FederationTool.class" ]; then
    command -v mvn >/dev/null || die "Maven (mvn) is needed to build CareLedger; install it and run again"
    info "building CareLedger and unpacking WildFly (first run: a few minutes)..."
    (cd "$root" && mvn -B -q -DskipTests -DskipITs -Dspotless.check.skip=true package) ||
      die "the build failed; see the Maven output above"
  fi
  [ -x "$jboss_home/bin/standalone.sh" ] || die "WildFly is missing at $jboss_home after the build"
}

# ---------------------------------------------------------------------------------------------
# Node home and configuration
# ---------------------------------------------------------------------------------------------
init_home() {
  umask 077
  mkdir -p "$node_home" "$node_home/credentials" "$node_home/identity" "$node_home/db" "$node_home/users"
  chmod 700 "$node_home"
  if [ ! -d "$base_dir/configuration" ]; then
    mkdir -p "$base_dir/deployments"
    cp -r "$jboss_home/standalone/configuration" "$base_dir/"
  fi
  local master_file="$node_home/credentials/master.secret"
  local store="$node_home/credentials/careledger.cs"
  if [ ! -f "$store" ]; then
    # The credential store's master secret: generated here, never printed, readable by the owner only.
    head -c 32 /dev/urandom | base64 | tr -d '=+/\n' >"$master_file"
    chmod 600 "$master_file"
    "$jboss_home/bin/elytron-tool.sh" credential-store --create --location="$store" \
      --password="$(cat "$master_file")" >/dev/null || die "cannot create the credential store $store"
    chmod 600 "$store"
  fi
  set_prop careledger.institution.id "$institution"
  set_prop careledger.home "$node_home"
  set_prop careledger.port.offset "$offset"
  set_prop careledger.bind "$bind"
  set_prop careledger.db.kind "$db_kind"
  set_prop careledger.db.driver "$db_driver"
  set_prop careledger.db.url "$db_url"
  set_prop careledger.db.user "$db_user"
  # Integrity password of the federation truststore (the peers' public TLS certificates only,
  # written by federation.sh); not a secret worth a credential store entry.
  [ -n "$(prop careledger.federation.truststore.password)" ] ||
    set_prop careledger.federation.truststore.password "$(head -c 18 /dev/urandom | base64 | tr -d '=+/\n')"
}

run_cli() { # run_cli ARGS...: jboss-cli against this node's base dir, with node.properties
  local cli_props
  cli_props=$(mktemp "$node_home/.cli.XXXX.properties")
  tmp_files+=("$cli_props")
  cp "$props" "$cli_props"
  local rc=0
  JAVA_OPTS="-Djboss.server.base.dir=$base_dir -Djava.awt.headless=true" \
    "$jboss_home/bin/jboss-cli.sh" --resolve-parameter-values --properties="$cli_props" "$@" \
    >"$node_home/cli.log" 2>&1 || rc=$?
  rm -f "$cli_props"
  if [ $rc -ne 0 ] || grep -q '"outcome" => "failed"' "$node_home/cli.log"; then
    [ -z "${cli_tolerant:-}" ] || return 1
    die "configuring WildFly failed (jboss-cli $*); the output is above and in $node_home/cli.log"
  fi
}

configure_credential_store() {
  # Registers the credential store with WildFly once. Its master secret goes straight from the
  # 0600 file into a private CLI script: WildFly logs every system property at boot, so it must
  # never travel as one (nor on a command line, where ps shows it).
  if grep -q 'credential-store name="careledger"' "$base_dir/configuration/standalone-full.xml"; then
    return 0
  fi
  local script
  script=$(mktemp "$node_home/.credential-store.XXXX.cli")
  {
    echo 'embed-server --server-config=standalone-full.xml --std-out=discard'
    printf '/subsystem=elytron/credential-store=careledger:add(path="%s", credential-reference={clear-text="%s"})\n' \
      "$node_home/credentials/careledger.cs" "$(cat "$node_home/credentials/master.secret")"
    echo 'stop-embedded-server'
  } >"$script"
  tmp_files+=("$script")
  run_cli --file="$script"
}

configure() {
  configure_credential_store
  run_cli --file="$here/src/main/cli/configure-node.cli"
  if [ -n "${CARELEDGER_DB_PASSWORD:-}" ]; then
    "$jboss_home/bin/elytron-tool.sh" credential-store --location="$node_home/credentials/careledger.cs" \
      --password="$(cat "$node_home/credentials/master.secret")" \
      --add db-password --secret="$CARELEDGER_DB_PASSWORD" >/dev/null ||
      die "cannot store the database password in the credential store"
    run_cli --command="embed-server --server-config=standalone-full.xml --std-out=discard" \
      --command="/subsystem=datasources/data-source=CareLedgerDS:write-attribute(name=credential-reference, value={store=careledger, alias=db-password})" \
      --command="stop-embedded-server"
  fi
  if ! cmp -s "$ear" "$base_dir/deployments/careledger.ear" 2>/dev/null; then
    cp "$ear" "$base_dir/deployments/.careledger.ear.tmp"
    mv "$base_dir/deployments/.careledger.ear.tmp" "$base_dir/deployments/careledger.ear"
  fi
  rm -f "$base_dir/deployments/careledger.ear.failed" "$base_dir/deployments/careledger.ear.undeployed"
}

# ---------------------------------------------------------------------------------------------
# Pre-flight checks: say what is wrong and how to fix it, before anything starts
# ---------------------------------------------------------------------------------------------
port_in_use() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

check_ports() {
  local name port
  for name in http:$http_port https:$https_port management:$mgmt_port management-https:$((9993 + offset)) \
    iiop:$((3528 + offset)) txn-recovery:$((4712 + offset)) txn-status:$((4713 + offset)); do
    port=${name#*:}
    if port_in_use "$bind" "$port"; then
      die "port $port (${name%%:*}) on $bind is already in use by another program: stop it, or start this node with another CARELEDGER_PORT_OFFSET (now $offset)"
    fi
  done
}

check_database() {
  [ "$db_kind" = postgresql ] || return 0
  local rest hostport host port
  rest=${db_url#jdbc:postgresql://}
  hostport=${rest%%/*}
  host=${hostport%%:*}
  port=5432
  [[ "$hostport" == *:* ]] && port=${hostport##*:}
  if ! (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null; then
    die "the PostgreSQL database at $host:$port ($db_url) cannot be reached: start it, or fix CARELEDGER_DB_URL"
  fi
}

check_identity_files() {
  local keystore="$node_home/identity/node.p12"
  if [ -f "$keystore" ] && ! grep -q 'identity-keystore' <(
    "$jboss_home/bin/elytron-tool.sh" credential-store --location="$node_home/credentials/careledger.cs" \
      --password="$(cat "$node_home/credentials/master.secret")" --aliases 2>&1
  ); then
    die "the node keystore $keystore exists but the credential store has no password for it (CL-1003): restore $node_home/credentials from the same backup as the keystore"
  fi
}

# ---------------------------------------------------------------------------------------------
# Process control
# ---------------------------------------------------------------------------------------------
running_pid() {
  [ -f "$pid_file" ] || return 1
  local pid
  pid=$(cat "$pid_file")
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  # Only a process of ours: a java whose command line names this node's base dir.
  local cmdline
  cmdline=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
  if [[ "$cmdline" == *" -Djboss.server.base.dir=$base_dir "* ]]; then
    echo "$pid"
    return 0
  fi
  return 1
}

start_server() {
  mkdir -p "$base_dir/log"
  rm -f "$pid_file"
  local java_opts=${CARELEDGER_JAVA_OPTS:--Xms128m -Xmx768m}
  # standalone.sh writes the java PID to JBOSS_PIDFILE; setsid detaches it from this shell.
  JBOSS_PIDFILE="$pid_file" LAUNCH_JBOSS_IN_BACKGROUND=1 \
    JAVA_OPTS="$java_opts -XX:MetaspaceSize=96M -XX:MaxMetaspaceSize=512m -Djava.net.preferIPv4Stack=true -Djava.awt.headless=true -Djboss.modules.system.pkgs=org.jboss.byteman" \
    setsid nohup "$jboss_home/bin/standalone.sh" -c standalone-full.xml \
    -Djboss.server.base.dir="$base_dir" -P "$props" \
    -b "$bind" -bmanagement "$bind" -Djboss.socket.binding.port-offset="$offset" \
    >"$base_dir/log/console.log" 2>&1 </dev/null &
  local i
  for i in $(seq 1 50); do
    [ -s "$pid_file" ] && break
    sleep 0.2
  done
  [ -s "$pid_file" ] || die "WildFly did not start; see $base_dir/log/console.log"
}

http_get() { # http_get PORT PATH: the body of a plain-HTTP GET to this node (curl if present, else bash)
  if command -v curl >/dev/null; then
    curl -s --max-time 10 "http://$bind:$1$2" 2>/dev/null || true
    return 0
  fi
  local response
  response=$({ exec 3<>"/dev/tcp/$bind/$1" &&
    printf 'GET %s HTTP/1.0\r\nHost: %s\r\nConnection: close\r\n\r\n' "$2" "$bind" >&3 &&
    timeout 10 cat <&3; } 2>/dev/null) || true
  printf '%s' "${response#*$'\r\n\r\n'}"
}

readiness() { http_get "$mgmt_port" /health/ready; }

wait_ready() {
  local deadline=$((SECONDS + ready_timeout)) body
  while [ $SECONDS -lt $deadline ]; do
    if ! running_pid >/dev/null; then
      tail -40 "$base_dir/log/console.log" >&2 || true
      die "WildFly exited during start-up; the log is above and in $base_dir/log/server.log"
    fi
    if [ -f "$base_dir/deployments/careledger.ear.failed" ]; then
      cat "$base_dir/deployments/careledger.ear.failed" >&2
      stop_server
      die "the CareLedger EAR failed to deploy; the reason is above"
    fi
    body=$(readiness)
    # The overall status leads the report; each check has a status of its own.
    if [[ "$body" == '{"status":"UP"'* ]]; then
      return 0
    fi
    # While WildFly boots every check is DOWN; real boot errors come with their description.
    if [[ "$body" == *'"name":"boot-errors","status":"DOWN","data"'* ]]; then
      stop_server
      explain_boot_errors "$body"
    fi
    if [[ "$body" == *'"state":"FAILED"'* ]]; then
      local problem
      problem=$(sed -n 's/.*"problem":"\([^"]*\)".*/\1/p' <<<"$body")
      stop_server
      die "the node cannot start: ${problem:-$body}"
    fi
    sleep 1
  done
  local problem
  problem=$(sed -n 's/.*"problem":"\([^"]*\)".*/\1/p' <<<"${body:-}")
  die "the node was not ready after ${ready_timeout}s${problem:+: $problem}; it is still running (node.sh down stops it); see $base_dir/log/server.log"
}

explain_boot_errors() {
  # WildFly's boot errors are final for this start; name the ones an operator can fix.
  local body=$1 keystore="$node_home/identity/node.p12"
  if [[ "$body" == *'key-store.careledger-tls'* ]]; then
    if [[ "$body" == *'password was incorrect'* || "$body" == *'Unrecoverable'* ]]; then
      die "CL-1002: node keystore $keystore does not open with the password in the credential store: restore the credential store that belongs to this keystore"
    fi
    die "CL-1001: node keystore $keystore cannot be read by WildFly: restore it from backup, or move it away to make the node generate a new identity (peers will then no longer recognise this node)"
  fi
  local errors
  errors=$(sed -n 's/.*"boot-errors":"\(.*\)"}}.*/\1/p' <<<"$body" | head -c 2000)
  die "WildFly reported boot errors: ${errors:-see the log}; details in $base_dir/log/server.log"
}

stop_server() {
  local pid
  pid=$(running_pid) || {
    rm -f "$pid_file"
    return 0
  }
  kill -TERM "$pid" 2>/dev/null || true
  local i
  for i in $(seq 1 60); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  if kill -0 "$pid" 2>/dev/null; then
    kill -KILL "$pid" 2>/dev/null || true
    sleep 0.5
  fi
  rm -f "$pid_file"
}

ensure_tls() { # ensure_tls HAD_KEYSTORE: whether the keystore existed before this start
  # The node's own TLS key exists only after the application generated the identity; then HTTPS
  # is switched to it (first start) or re-read (identity regenerated), and the server reloaded.
  local configured=no
  grep -q 'key-store name="careledger-tls"' "$base_dir/configuration/standalone-full.xml" && configured=yes
  if [ "$configured" = yes ] && [ "$1" = yes ]; then
    return 0
  fi
  [ -f "$node_home/identity/node.p12" ] || die "the node is ready but has no keystore at $node_home/identity/node.p12"
  if [ "$configured" = no ]; then
    run_cli --connect --controller="$bind:$mgmt_port" --file="$here/src/main/cli/configure-tls.cli"
  fi
  reload_server
}

reload_server() {
  # On a loaded machine the CLI may give up on :reload (CancellationException) while the server
  # reloads anyway, or before it did: wait until it is ready, then check that no reload is pending.
  local attempt
  for attempt in 1 2 3; do
    cli_tolerant=1 run_cli --connect --controller="$bind:$mgmt_port" --command=":reload" || true
    sleep 2
    wait_ready
    if cli_tolerant=1 run_cli --connect --controller="$bind:$mgmt_port" \
      --command=":read-attribute(name=server-state)" &&
      ! grep -q 'reload-required' "$node_home/cli.log"; then
      return 0
    fi
  done
  die "the server did not reload (tried 3 times); see $base_dir/log/server.log"
}

# ---------------------------------------------------------------------------------------------
# Commands
# ---------------------------------------------------------------------------------------------
cmd_up() {
  load_settings
  if pid=$(running_pid); then
    info "already running (PID $pid): https://$bind:$https_port/careledger/api/v1/node"
    return 0
  fi
  ensure_built
  check_ports
  check_database
  init_home
  check_identity_files
  configure
  local had_keystore=no
  [ -f "$node_home/identity/node.p12" ] && had_keystore=yes
  info "starting institution '$institution' (home $node_home, ports +$offset, database $db_kind)..."
  start_server
  wait_ready
  ensure_tls "$had_keystore"
  local node_json fingerprint
  if command -v curl >/dev/null; then # through HTTPS, which also proves the TLS set-up
    node_json=$(curl -sk --max-time 10 "https://$bind:$https_port/careledger/api/v1/node" || true)
  else
    node_json=$(http_get "$http_port" /careledger/api/v1/node)
  fi
  fingerprint=$(sed -n 's/.*"signingFingerprint":"\([0-9a-f]*\)".*/\1/p' <<<"$node_json")
  if [ -z "$fingerprint" ]; then
    stop_server
    die "the node is ready but https://$bind:$https_port/careledger/api/v1/node does not answer (${node_json:-no response}); see $base_dir/log/server.log"
  fi
  info "CareLedger node '$institution' is ready (PID $(cat "$pid_file"))"
  echo "  URL:          https://$bind:$https_port/careledger/api/v1/node"
  echo "  signing key:  SHA-256 $fingerprint"
  echo "  health:       http://$bind:$mgmt_port/health/ready"
  echo "  logs:         $base_dir/log/server.log"
  echo "  stop with:    ${CARELEDGER_HOME:+CARELEDGER_HOME=$node_home }$0 down"
}

cmd_down() {
  load_settings
  local pid
  if pid=$(running_pid); then
    stop_server
    info "stopped institution '$institution' (PID $pid)"
  else
    rm -f "$pid_file"
    info "institution '$institution' is not running"
  fi
}

cmd_status() {
  load_settings
  local pid
  if pid=$(running_pid); then
    echo "running: PID $pid, home $node_home"
    echo "readiness: $(readiness)"
  else
    echo "stopped: home $node_home"
    return 3
  fi
}

cmd_configure() {
  load_settings
  ensure_built
  init_home
  configure
  info "configured $node_home"
}

cmd_cli() { # jboss-cli against the running node; its output goes to stdout
  load_settings
  find_jboss_home
  running_pid >/dev/null || die "institution '$institution' is not running (home $node_home)"
  run_cli --connect --controller="$bind:$mgmt_port" "$@"
  cat "$node_home/cli.log"
}

case "${1:-}" in
up) cmd_up ;;
down) cmd_down ;;
status) cmd_status ;;
configure) cmd_configure ;;
cli)
  shift
  cmd_cli "$@"
  ;;
build) ensure_built ;;
*)
  echo "usage: $0 up|down|status|configure|cli ARGS|build" >&2
  exit 2
  ;;
esac

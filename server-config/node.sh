#!/usr/bin/env bash
# CareLedger node launcher: the one entry point for running a node on this machine.
#
#   server-config/node.sh up        build what is missing, configure, start, wait until ready
#   server-config/node.sh down      stop the node this script started (by its PID)
#   server-config/node.sh status    say whether it runs and whether it is ready
#   server-config/node.sh configure create/refresh the node home and its WildFly configuration only
#   server-config/node.sh cli ARGS  run jboss-cli ARGS (e.g. --file=x.cli) against the running node
#   server-config/node.sh build     build what is missing (WildFly, the EAR, the federation tool)
#   server-config/node.sh user add NAME ROLES [PATIENT_ID]   a person in the node's realm; ROLES
#                                   comma-separated of clinician, patient, auditor, admin,
#                                   researcher (research exports only), his-system (a system
#                                   without a client certificate); the
#                                   password is CARELEDGER_USER_PASSWORD or generated and printed;
#                                   kept as a bcrypt hash of cost CARELEDGER_BCRYPT_COST (default 10)
#   server-config/node.sh user remove NAME
#   server-config/node.sh his-client add NAME CERT.pem   a hospital system signing in by its TLS
#                                   client certificate (CN=NAME), with the role his-system
#   server-config/node.sh his-client remove NAME
#   server-config/node.sh bearer-issuer ISSUER CERT.pem [AUDIENCE]   accept JWT bearer tokens of
#                                   the institution's identity provider (audience default careledger)
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
#   CARELEDGER_TOOL_JAVA_OPTS JVM options for the short-lived jboss-cli and elytron-tool runs
#                            (default -XX:TieredStopAtLevel=1 -XX:+UseSerialGC)
#   CARELEDGER_CDS_DIR       class data sharing archives of the server's and jboss-cli's JVMs
#                            (default <home>/cds; off: none; see "Class data sharing" below)
#
# An institution as a cluster of WildFly nodes (high availability; WildFly's HA full profile,
# standalone-full-ha.xml, configured by configure-node.cli and then configure-cluster.cli):
#   CARELEDGER_CLUSTER_NODE  this node's name within the institution's cluster, e.g. n1, n2
#                            (1-16 lower-case letters, digits, inner hyphens). Unset: a single node,
#                            as above. Set: every command (up, down, status, cli...) acts on this
#                            node only; WildFly's jboss.node.name is <institution>-<node>.
#   CARELEDGER_CLUSTER_PEERS the JGroups addresses of all the institution's nodes (the list may name
#                            this node too): HOST[PORT],HOST[PORT]..., each PORT 7600 + that node's
#                            CARELEDGER_PORT_OFFSET, e.g. 127.0.0.1[12600],127.0.0.1[12700] for
#                            offsets 5000 and 5100 (static discovery, TCPPING: nothing multicasts)
#   A cluster node needs CARELEDGER_DB=postgresql (one database for all nodes) and an offset of at
#   most 7900; it listens on 7600+N (JGroups) and 57600+N (JGroups failure detection) beside the
#   ports above, on CARELEDGER_BIND, which must be a concrete address.
#   All nodes share CARELEDGER_HOME: node.properties (the institution's settings and generated
#   passwords), credentials/, identity/, users/, federation.json, federation/, the off-chain
#   documents (documents/, retrieved/), his-clients.p12, bearer-issuer.p12 and the ApplicationRealm
#   files of peers' bridge users, server/configuration/application-{users,roles}.properties (where
#   a single node keeps them). Each node has <home>/cluster/<node>/: its WildFly base dir server/
#   (configuration, Artemis journal, logs), node.pid, cli.log and node.properties (its port offset,
#   bind address, peers). Shared files are created and changed by one node.sh at a time (flock on
#   <home>/.cluster.lock); an institution's very first start keeps the lock until its identity
#   exists, so that two nodes started together cannot make two identities.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# jboss-cli and elytron-tool JVMs live for seconds, most of it start-up: C1 alone and the serial
# collector cut their CPU by about 40% (an embedded-server jboss-cli run here: 8.0 s of CPU with the
# JVM's defaults, 4.4 s with these), and a node's start runs several of them.
tool_java_opts=${CARELEDGER_TOOL_JAVA_OPTS:--XX:TieredStopAtLevel=1 -XX:+UseSerialGC}
# The credential store is a JCEKS key store: the JDK seals each secret in it with password-based
# encryption under the store's master secret, which init_home generates (32 random bytes), with
# 200,000 PBKDF iterations by default. Iterations stretch a password a person chose; against 256
# random bits they add nothing, but every read of a secret pays them again (a node's start reads
# its keystore, database and bridge passwords, some twice). The JVMs that write entries here (the
# server, elytron-tool, embedded jboss-cli) seal them with the JDK's minimum, 10,000; an entry keeps
# the count it was sealed with. A restart of a node here: 20.7-22.1 s of CPU before, 18.7-20.3 s after.
store_java_opts="-Djdk.jceks.iterationCount=10000"
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
cluster_node=${CARELEDGER_CLUSTER_NODE:-}
if [ -z "$cluster_node" ]; then
  base_dir="$node_home/server"
  pid_file="$node_home/node.pid"
  cli_log="$node_home/cli.log"
  node_props="$props"
  server_config=standalone-full.xml
else
  [[ "$cluster_node" =~ ^[a-z0-9]([a-z0-9-]{0,14}[a-z0-9])?$ ]] ||
    die "cluster node name '$cluster_node' is not valid: use 1-16 lower-case letters, digits and inner hyphens (CARELEDGER_CLUSTER_NODE)"
  node_dir="$node_home/cluster/$cluster_node"
  base_dir="$node_dir/server"
  pid_file="$node_dir/node.pid"
  cli_log="$node_dir/cli.log"
  node_props="$node_dir/node.properties"
  server_config=standalone-full-ha.xml
fi

prop_in() { # prop_in FILE KEY [DEFAULT]: a value from a properties file
  local value=""
  if [ -f "$1" ]; then
    value=$(grep -E "^$2=" "$1" | tail -1 | cut -d= -f2- || true)
  fi
  echo "${value:-${3:-}}"
}
prop() { prop_in "$props" "$@"; }           # prop KEY [DEFAULT]: the institution's node.properties
node_prop() { prop_in "$node_props" "$@"; } # this node's (a cluster node's own; else the same file)

set_prop_in() { # set_prop_in FILE KEY VALUE: write or replace a key in a properties file
  local tmp
  tmp=$(mktemp "$(dirname "$1")/.node.properties.XXXX")
  if [ -f "$1" ]; then grep -vE "^$2=" "$1" >"$tmp" || true; fi
  printf '%s=%s\n' "$2" "$3" >>"$tmp"
  chmod 600 "$tmp"
  mv "$tmp" "$1"
}
set_prop() { set_prop_in "$props" "$@"; } # set_prop KEY VALUE: in node.properties

load_settings() {
  institution=${institution:-$(prop careledger.institution.id demo-hospital)}
  [[ "$institution" =~ ^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])$ ]] ||
    die "institution id '$institution' is not valid: use 2-63 lower-case letters, digits and inner hyphens (CARELEDGER_INSTITUTION)"
  if [ -z "$cluster_node" ] && [ "$(prop careledger.cluster)" = true ]; then
    die "$node_home is the home of institution '$institution' run as a cluster (nodes: $(cd "$node_home/cluster" 2>/dev/null && echo *)): set CARELEDGER_CLUSTER_NODE to the node meant"
  fi
  offset=${CARELEDGER_PORT_OFFSET:-$(node_prop careledger.port.offset 0)}
  [[ "$offset" =~ ^[0-9]+$ ]] && [ "$offset" -le 50000 ] ||
    die "CARELEDGER_PORT_OFFSET must be a number from 0 to 50000, not '$offset'"
  bind=${CARELEDGER_BIND:-$(node_prop careledger.bind 127.0.0.1)}
  db_kind=${CARELEDGER_DB:-$(prop careledger.db.kind h2)}
  case "$db_kind" in
  h2)
    db_driver=h2
    db_url=${CARELEDGER_DB_URL:-$(prop careledger.db.url "")}
    # WRITE_DELAY=0: each commit reaches the file before it returns. H2's default (500 ms) loses
    # the last commits when the process is killed; a consensus member that forgets what it signed
    # can sign a conflicting message after its restart. The equivocation watch caught exactly that
    # in ResilienceIT: pharmacy-c, killed with kill -9, proposed a second block at the height and
    # round where it had already proposed one. Homes made with the old default URL are upgraded.
    [[ "$db_url" == jdbc:h2:* ]] && [ "$db_url" != "jdbc:h2:file:$node_home/db/careledger;DB_CLOSE_ON_EXIT=FALSE" ] ||
      db_url="jdbc:h2:file:$node_home/db/careledger;DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0"
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
  [ -z "$cluster_node" ] || load_cluster_settings
}

load_cluster_settings() {
  local shared
  shared=$(prop careledger.institution.id)
  [ -z "$shared" ] || [ "$shared" = "$institution" ] ||
    die "$node_home is the home of institution '$shared', not '$institution': all nodes of a cluster are one institution"
  [ "$db_kind" = postgresql ] ||
    die "cluster node '$cluster_node' needs CARELEDGER_DB=postgresql (and CARELEDGER_DB_URL): all nodes of an institution share one database, and H2's files cannot be shared"
  case "$bind" in
  0.0.0.0 | :: | "[::]") die "a cluster node needs a concrete CARELEDGER_BIND address (JGroups identifies a node by it), not $bind" ;;
  esac
  [ "$offset" -le 7900 ] ||
    die "a cluster node's CARELEDGER_PORT_OFFSET must be at most 7900 (JGroups failure detection listens on 57600 + offset), not $offset"
  peers=${CARELEDGER_CLUSTER_PEERS:-$(node_prop careledger.cluster.peers "")}
  peers=${peers// /}
  [ -z "$peers" ] || [[ "$peers" =~ ^[A-Za-z0-9.:-]+\[[0-9]{1,5}\](,[A-Za-z0-9.:-]+\[[0-9]{1,5}\])*$ ]] ||
    die "CARELEDGER_CLUSTER_PEERS must be HOST[PORT],HOST[PORT]... (each node's JGroups port is 7600 + its CARELEDGER_PORT_OFFSET), not '$peers'"
  jgroups_port=$((7600 + offset))
  jgroups_fd_port=$((57600 + offset))
  jboss_node_name="$institution-$cluster_node"
  # The transaction manager's node identifier: unique per node, at most 23 bytes (WildFly's limit);
  # a longer name is shortened to its first 14 characters and 8 hex digits of its SHA-256.
  tx_node_id=$jboss_node_name
  if [ ${#tx_node_id} -gt 23 ]; then
    tx_node_id="${institution:0:14}-$(printf '%s' "$jboss_node_name" | sha256sum | cut -c1-8)"
  fi
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
    # With it, unless a keystore is there already, the password for the node keystore the
    # application will generate (check_identity_files), in the same run of the tool.
    local first_password=()
    if [ ! -f "$node_home/identity/node.p12" ]; then
      first_password=(--add identity-keystore --secret="$(random_secret)")
      keystore_password_stored=yes
    fi
    elytron_tool credential-store --create --location="$store" \
      --password="$(cat "$master_file")" "${first_password[@]}" >/dev/null ||
      die "cannot create the credential store $store"
    chmod 600 "$store"
  fi
  set_prop careledger.institution.id "$institution"
  set_prop careledger.home "$node_home"
  if [ -z "$cluster_node" ]; then
    set_prop careledger.port.offset "$offset"
    set_prop careledger.bind "$bind"
  fi
  set_prop careledger.db.kind "$db_kind"
  set_prop careledger.db.driver "$db_driver"
  set_prop careledger.db.url "$db_url"
  set_prop careledger.db.user "$db_user"
  # Integrity password of the federation truststore (the peers' public TLS certificates only,
  # written by federation.sh); not a secret worth a credential store entry.
  [ -n "$(prop careledger.federation.truststore.password)" ] ||
    set_prop careledger.federation.truststore.password "$(head -c 18 /dev/urandom | base64 | tr -d '=+/\n')"
  [ -z "$cluster_node" ] || init_cluster_node
}

# ---------------------------------------------------------------------------------------------
# A node of an institution run as a cluster (CARELEDGER_CLUSTER_NODE)
# ---------------------------------------------------------------------------------------------
cluster_lock() { # the institution's shared files are created and changed by one node.sh at a time
  [ -n "$cluster_node" ] || return 0
  command -v flock >/dev/null || die "flock (util-linux) is needed to run a cluster node"
  mkdir -p "$node_home"
  (umask 077 && : >>"$node_home/.cluster.lock")
  exec 9>>"$node_home/.cluster.lock"
  if ! flock -n 9; then
    info "waiting for another node of '$institution' (it creates or changes the shared files, or makes the institution's identity on its first start)..."
    flock -w $((2 * ready_timeout + 300)) 9 ||
      die "another node.sh of '$institution' holds $node_home/.cluster.lock for too long; see its output"
  fi
  cluster_locked=yes
}

cluster_unlock() {
  [ "${cluster_locked:-}" = yes ] || return 0
  flock -u 9
  exec 9>&-
  cluster_locked=
}

running_siblings() { # the names of the institution's other cluster nodes that run now
  local dir pid
  for dir in "$node_home"/cluster/*/; do
    dir=${dir%/}
    if [ "$dir" = "$node_dir" ] || [ ! -f "$dir/node.pid" ]; then continue; fi
    pid=$(cat "$dir/node.pid")
    [[ "$pid" =~ ^[0-9]+$ ]] || continue
    if [[ "$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" == *" -Djboss.server.base.dir=$dir/server "* ]]; then
      echo "${dir##*/}"
    fi
  done
}

need_peers() { # before up or configure creates anything
  [ -z "$cluster_node" ] || [ -n "$peers" ] ||
    die "cluster node '$cluster_node' needs CARELEDGER_CLUSTER_PEERS: the JGroups addresses of the institution's nodes, e.g. 127.0.0.1[$jgroups_port],127.0.0.1[$((jgroups_port + 100))]"
}

init_cluster_node() { # run by init_home under cluster_lock
  local pid
  if [ -f "$node_home/node.pid" ] && pid=$(cat "$node_home/node.pid") && [[ "$pid" =~ ^[0-9]+$ ]] &&
    [[ "$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" == *" -Djboss.server.base.dir=$node_home/server "* ]]; then
    die "$node_home runs as a single node (PID $pid): stop it (node.sh down without CARELEDGER_CLUSTER_NODE) before starting it as a cluster"
  fi
  set_prop careledger.cluster true
  # A single node's own port settings do not belong to the institution (each node has its own).
  local key tmp
  for key in careledger.port.offset careledger.bind; do
    if grep -qE "^$key=" "$props"; then
      tmp=$(mktemp "$node_home/.node.properties.XXXX")
      grep -vE "^$key=" "$props" >"$tmp" || true
      mv "$tmp" "$props"
    fi
  done
  # Peers' bridge users (ApplicationRealm, written by federation.sh's tool) are the institution's:
  # every node reads the files where a single node keeps them (configure-cluster.cli).
  mkdir -p "$node_home/server/configuration"
  local file
  for file in application-users.properties application-roles.properties; do
    [ -f "$node_home/server/configuration/$file" ] ||
      cp "$jboss_home/standalone/configuration/$file" "$node_home/server/configuration/$file"
  done
  local siblings
  siblings=$(running_siblings | paste -sd' ' -)
  if [ -n "${CARELEDGER_DB_PASSWORD:-}" ]; then
    # A running node holds the credential store in memory and writes all of it back when it stores
    # a secret: a password written beside it now could be lost again, and it would not see it.
    if [ -z "$siblings" ]; then
      store_db_password
    elif elytron_tool credential-store --location="$node_home/credentials/careledger.cs" \
      --password="$(cat "$node_home/credentials/master.secret")" --exists db-password >/dev/null 2>&1; then
      info "kept the database password of the shared credential store (nodes $siblings run and hold it); to change it, stop all nodes first"
    else
      die "the shared credential store has no database password, and nodes $siblings run and hold the store: stop them to store it, or start this node without CARELEDGER_DB_PASSWORD"
    fi
  fi
  mkdir -p "$node_dir"
  set_prop_in "$node_props" careledger.cluster.node "$cluster_node"
  set_prop_in "$node_props" careledger.port.offset "$offset"
  set_prop_in "$node_props" careledger.bind "$bind"
  set_prop_in "$node_props" careledger.cluster.peers "$peers"
}

cluster_cli_properties() { # what configure-cluster.cli reads beside node.properties
  cat "$node_props"
  echo "careledger.cluster.tx-node-id=$tx_node_id"
  echo "careledger.cluster.peer-bindings=$(peer_bindings | cut -d' ' -f1 | paste -sd, -)"
}

peer_bindings() { # one line per peer: NAME HOST PORT (NAME: its outbound socket binding)
  local peer host port
  for peer in ${peers//,/ }; do
    host=${peer%%\[*}
    port=${peer##*\[}
    port=${port%]}
    echo "careledger-peer-${host//[^A-Za-z0-9.-]/-}-$port $host $port"
  done
}

configure_cluster_wildfly() {
  # One embedded boot of standalone-full-ha.xml runs configure-node.cli (without its own
  # embed-server line, which names standalone-full.xml), the peers' outbound socket bindings (one
  # per CARELEDGER_CLUSTER_PEERS entry: TCPPING's initial hosts), configure-cluster.cli, and removes
  # the bindings of peers no longer listed. On a node's first run the credential store is
  # registered first, as for a single node (so the script is private, and deleted after use).
  local config="$base_dir/configuration/$server_config" script name host port old
  script=$(mktemp "$node_dir/.configure.XXXX.cli")
  tmp_files+=("$script")
  chmod 600 "$script"
  {
    echo "embed-server --server-config=$server_config --std-out=discard"
    if ! grep -q 'credential-store name="careledger"' "$config"; then
      printf '/subsystem=elytron/credential-store=careledger:add(path="%s", credential-reference={clear-text="%s"})\n' \
        "$node_home/credentials/careledger.cs" "$(cat "$node_home/credentials/master.secret")"
    fi
    grep -v '^embed-server\|^stop-embedded-server' "$here/src/main/cli/configure-node.cli"
    echo "# --- TCPPING's initial hosts (node.sh, from CARELEDGER_CLUSTER_PEERS) ---"
    while read -r name host port; do
      echo "if (outcome != success) of /socket-binding-group=standard-sockets/remote-destination-outbound-socket-binding=$name:read-resource"
      echo "  /socket-binding-group=standard-sockets/remote-destination-outbound-socket-binding=$name:add(host=\"$host\", port=$port)"
      echo "end-if"
    done < <(peer_bindings)
    grep -v '^embed-server\|^stop-embedded-server' "$here/src/main/cli/configure-cluster.cli"
    while read -r old; do
      peer_bindings | grep -q "^$old " && continue
      echo "if (outcome == success) of /socket-binding-group=standard-sockets/remote-destination-outbound-socket-binding=$old:read-resource"
      echo "  /socket-binding-group=standard-sockets/remote-destination-outbound-socket-binding=$old:remove"
      echo "end-if"
    done < <(grep -o 'outbound-socket-binding name="careledger-peer-[^"]*"' "$config" | cut -d'"' -f2)
    tls_lines
    echo "stop-embedded-server"
  } >"$script"
  run_cli --file="$script"
  rm -f "$script"
}

elytron_tool() { JAVA_OPTS="$tool_java_opts $store_java_opts" "$jboss_home/bin/elytron-tool.sh" "$@"; }

# Class data sharing: the server's and jboss-cli's JVMs map the classes that an earlier run of the
# same JDK, WildFly and EAR loaded from an archive (the JDK's CDS, -XX:SharedArchiveFile) instead of
# parsing and verifying them again. A node's restart here took 29 s of CPU without and 21 s with
# (two runs each), an embedded jboss-cli run 5.5 s and 4.4 s. CARELEDGER_CDS_DIR is where the
# archives are (default <home>/cds; "off": none). A JVM that finds no archive for its JDK, WildFly
# and EAR records one (-XX:ArchiveClassesAtExit), which the JDK writes when the JVM exits normally
# (node.sh down, the end of a jboss-cli run), under a name of its own that is renamed once complete:
# nodes sharing the directory never map a half-written file, and a JVM that was killed leaves none.
# An archive's name carries a digest of the JDK's version, the WildFly directory and (the server's)
# the EAR; the JDK itself checks each class it maps against the class file being loaded, and a JVM
# that cannot use an archive starts as without one.
cds_java_version=""
cds_options() { # cds_options server|cli: sets cds_opts (JVM options) and cds_recording (a file or "")
  cds_opts=""
  cds_recording=""
  local dir=${CARELEDGER_CDS_DIR:-$node_home/cds} digest archive
  [ "$dir" != off ] || return 0
  if [ -z "$cds_java_version" ]; then
    cds_java_version=$("${JAVA_HOME:+$JAVA_HOME/bin/}java" -version 2>&1) || return 0
  fi
  digest=$({
    printf '%s\n%s\n' "$cds_java_version" "$jboss_home"
    [ "$1" != server ] || cksum <"$ear"
  } | sha256sum | cut -c1-16)
  archive="$dir/$1-$digest.jsa"
  if [ -s "$archive" ]; then
    cds_opts="-XX:SharedArchiveFile=$archive -Xlog:cds*=off"
  elif mkdir -p "$dir" 2>/dev/null; then
    cds_recording="$archive.$$-$RANDOM.recording"
    cds_opts="-XX:ArchiveClassesAtExit=$cds_recording -Xlog:cds*=off"
  fi
}

cds_keep() { # cds_keep RECORDING: a recording the JDK completed becomes its archive, unless one exists
  local recording=$1
  [ ! -s "$recording" ] || mv -n "$recording" "${recording%.*.recording}" 2>/dev/null || true
  rm -f "$recording"
}

run_cli() { # run_cli ARGS...: jboss-cli against this node's base dir, with node.properties
  local cli_props
  cli_props=$(mktemp "$node_home/.cli.XXXX.properties")
  tmp_files+=("$cli_props")
  cp "$props" "$cli_props"
  echo "careledger.https.port=$https_port" >>"$cli_props" # for configure-tls.cli (no arithmetic in CLI)
  [ -z "$cluster_node" ] || cluster_cli_properties >>"$cli_props"
  local rc=0 connect_timeout=()
  # jboss-cli gives up connecting after 5 s by default: on a loaded machine (the federation's bridge
  # scripts run one CLI JVM per node at once, beside the servers) that is too short.
  case " $* " in *" --connect "*) connect_timeout=(--timeout=60000) ;; esac
  cds_options cli
  JAVA_OPTS="$tool_java_opts $store_java_opts $cds_opts -Djboss.server.base.dir=$base_dir -Djava.awt.headless=true" \
    "$jboss_home/bin/jboss-cli.sh" --resolve-parameter-values --properties="$cli_props" \
    "${connect_timeout[@]}" "$@" >"$cli_log" 2>&1 || rc=$?
  rm -f "$cli_props"
  if [ -n "$cds_recording" ]; then
    if [ $rc -eq 0 ]; then cds_keep "$cds_recording"; else rm -f "$cds_recording"; fi
  fi
  if [ $rc -ne 0 ] || grep -q '"outcome" => "failed"' "$cli_log"; then
    [ -z "${cli_tolerant:-}" ] || return 1
    die "configuring WildFly failed (jboss-cli $*); the output is above and in $cli_log"
  fi
}

configure_wildfly() {
  # configure-node.cli, run in an embedded server. On the first run the same embedded server also
  # registers the credential store (one boot instead of two): its master secret goes straight from
  # the 0600 file into a private CLI script, since WildFly logs every system property at boot, so
  # it must never travel as one (nor on a command line, where ps shows it). Before a node's first
  # start (node.sh up) the same script also configures TLS (tls_lines).
  if [ -n "$cluster_node" ]; then
    configure_cluster_wildfly
    return 0
  fi
  local script
  script=$(mktemp "$node_home/.configure.XXXX.cli")
  tmp_files+=("$script")
  chmod 600 "$script"
  {
    echo 'embed-server --server-config=standalone-full.xml --std-out=discard'
    if ! grep -q 'credential-store name="careledger"' "$base_dir/configuration/standalone-full.xml"; then
      printf '/subsystem=elytron/credential-store=careledger:add(path="%s", credential-reference={clear-text="%s"})\n' \
        "$node_home/credentials/careledger.cs" "$(cat "$node_home/credentials/master.secret")"
    fi
    grep -v '^embed-server\|^stop-embedded-server' "$here/src/main/cli/configure-node.cli"
    tls_lines
    echo "stop-embedded-server"
  } >"$script"
  run_cli --file="$script"
  rm -f "$script"
}

tls_lines() { # configure-tls.cli for the embedded configuration script, when node.sh up asked for it
  [ "${configure_tls:-no}" = yes ] || return 0
  echo "# --- TLS with the node's own key (configure-tls.cli) ---"
  grep -v '^embed-server\|^stop-embedded-server' "$here/src/main/cli/configure-tls.cli"
}

store_db_password() {
  elytron_tool credential-store --location="$node_home/credentials/careledger.cs" \
    --password="$(cat "$node_home/credentials/master.secret")" \
    --add db-password --secret="$CARELEDGER_DB_PASSWORD" >/dev/null ||
    die "cannot store the database password in the credential store"
}

configure() {
  configure_wildfly
  if [ -n "${CARELEDGER_DB_PASSWORD:-}" ]; then
    # (a cluster node stored it in init_cluster_node, under the cluster lock)
    [ -n "$cluster_node" ] || store_db_password
    # (a script: jboss-cli takes one --command only, and --commands splits at the value's comma)
    local script
    script=$(mktemp "$node_home/.db-password.XXXX.cli")
    tmp_files+=("$script")
    printf '%s\n' "embed-server --server-config=$server_config --std-out=discard" \
      "/subsystem=datasources/data-source=CareLedgerDS:write-attribute(name=credential-reference, value={store=careledger, alias=db-password})" \
      "stop-embedded-server" >"$script"
    run_cli --file="$script"
    rm -f "$script"
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
  local name port extra=""
  [ -z "$cluster_node" ] || extra="jgroups:$jgroups_port jgroups-failure-detection:$jgroups_fd_port"
  for name in http:$http_port https:$https_port management:$mgmt_port management-https:$((9993 + offset)) \
    iiop:$((3528 + offset)) txn-recovery:$((4712 + offset)) txn-status:$((4713 + offset)) $extra; do
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
  # The node keystore's password must be in the credential store (CL-1003). Before the first start
  # of this node (HTTPS not configured yet) it also prepares TLS: configure_tls=yes makes the
  # configuration script set HTTPS up (tls_lines) before the server ever boots, and on an
  # institution's very first start the keystore's password is generated here, into the credential
  # store, for the application to generate the keystore with. The server then boots once, with
  # HTTPS configured and the key store not required, and loads the keystore once the application
  # wrote it (ensure_tls): no reload, and the EAR is deployed once, not twice.
  local keystore="$node_home/identity/node.p12" configured=no aliases=""
  grep -q 'key-store name="careledger-tls"' "$base_dir/configuration/$server_config" && configured=yes
  if [ -f "$keystore" ] || { [ "$configured" = no ] && [ -z "${keystore_password_stored:-}" ]; }; then
    aliases=$(elytron_tool credential-store --location="$node_home/credentials/careledger.cs" \
      --password="$(cat "$node_home/credentials/master.secret")" --aliases 2>&1) || true
  fi
  if [ -f "$keystore" ] && ! grep -q 'identity-keystore' <<<"$aliases"; then
    die "the node keystore $keystore exists but the credential store has no password for it (CL-1003): restore $node_home/credentials from the same backup as the keystore"
  fi
  [ "$configured" = no ] || return 0
  if [ ! -f "$keystore" ] && [ -z "${keystore_password_stored:-}" ] &&
    ! grep -q 'identity-keystore' <<<"$aliases"; then
    # (a store that an earlier node.sh created: no keystore means the institution's first start,
    # under the cluster lock, so no other node of it runs and holds the store)
    elytron_tool credential-store --location="$node_home/credentials/careledger.cs" \
      --password="$(cat "$node_home/credentials/master.secret")" \
      --add identity-keystore --secret="$(random_secret)" >/dev/null ||
      die "cannot store the node keystore's password in the credential store"
  fi
  configure_tls=yes
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
  local java_opts=${CARELEDGER_JAVA_OPTS:--Xms128m -Xmx768m} cluster_args=()
  # A recording left by a server that was killed is not complete.
  [ ! -s "$base_dir/cds-recording" ] || rm -f "$(cat "$base_dir/cds-recording")"
  rm -f "$base_dir/cds-recording"
  cds_options server
  [ -z "$cds_recording" ] || echo "$cds_recording" >"$base_dir/cds-recording"
  java_opts="$java_opts $cds_opts"
  # A cluster node: its own properties (careledger.cluster.node...) after the institution's, its
  # name in the cluster, JGroups on the bind address (WildFly's "private" interface).
  [ -z "$cluster_node" ] ||
    cluster_args=(-P "$node_props" -Djboss.node.name="$jboss_node_name" -Djboss.bind.address.private="$bind")
  # standalone.sh writes the java PID to JBOSS_PIDFILE; setsid detaches it from this shell. The
  # server must not inherit the cluster lock (fd 9), or it would hold it as long as it runs.
  JBOSS_PIDFILE="$pid_file" LAUNCH_JBOSS_IN_BACKGROUND=1 \
    JAVA_OPTS="$java_opts $store_java_opts -XX:MetaspaceSize=96M -XX:MaxMetaspaceSize=512m -Djava.net.preferIPv4Stack=true -Djava.awt.headless=true -Djboss.modules.system.pkgs=org.jboss.byteman" \
    setsid nohup "$jboss_home/bin/standalone.sh" -c "$server_config" \
    -Djboss.server.base.dir="$base_dir" -P "$props" ${cluster_args[@]+"${cluster_args[@]}"} \
    -b "$bind" -bmanagement "$bind" -Djboss.socket.binding.port-offset="$offset" \
    >"$base_dir/log/console.log" 2>&1 </dev/null 9>&- &
  local i
  for i in $(seq 1 50); do
    [ -s "$pid_file" ] && break
    sleep 0.2
  done
  [ -s "$pid_file" ] || die "WildFly did not start; see $base_dir/log/console.log"
}

http_get() { # http_get PORT PATH: the body of a plain-HTTP GET to this node's management port (curl if present, else bash)
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
  elif [ -s "$base_dir/cds-recording" ]; then
    cds_keep "$(cat "$base_dir/cds-recording")" # the JDK wrote it as the server exited
  fi
  [ ! -s "$base_dir/cds-recording" ] || rm -f "$(cat "$base_dir/cds-recording")"
  rm -f "$pid_file" "$base_dir/cds-recording"
}

ensure_tls() { # ensure_tls HAD_KEYSTORE: whether the keystore existed before this start
  # HTTPS was configured before the server booted (check_identity_files), with the key store not
  # required. If the application has just generated the node's keystore (a first start, or the
  # keystore was moved away to make a new identity), the server loads it now: key-store load, then
  # key-manager init, after which new TLS connections present the node's key. No reload.
  [ "$1" = no ] || return 0
  [ -f "$node_home/identity/node.p12" ] || die "the node is ready but has no keystore at $node_home/identity/node.p12"
  grep -q 'key-store name="careledger-tls"' "$base_dir/configuration/$server_config" ||
    die "HTTPS is not configured in $base_dir/configuration/$server_config; run 'node.sh up' again"
  run_cli --connect --controller="$bind:$mgmt_port" \
    --commands="/subsystem=elytron/key-store=careledger-tls:load,/subsystem=elytron/key-manager=careledger-tls:init"
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
      ! grep -q 'reload-required' "$cli_log"; then
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
  need_peers
  ensure_built
  check_ports
  check_database
  cluster_lock # (a cluster node only; released once the shared files and the identity exist)
  init_home
  check_identity_files
  [ ! -f "$node_home/identity/node.p12" ] || cluster_unlock
  configure
  local had_keystore=no
  [ -f "$node_home/identity/node.p12" ] && had_keystore=yes
  info "starting institution '$institution'${cluster_node:+ node $cluster_node} (home $node_home, ports +$offset, database $db_kind)..."
  start_server
  wait_ready
  ensure_tls "$had_keystore"
  cluster_unlock
  local node_json fingerprint
  # Through HTTPS, which also proves the TLS set-up (the node serves no plain HTTP any more).
  if command -v curl >/dev/null; then
    node_json=$(curl -sk --max-time 10 "https://$bind:$https_port/careledger/api/v1/node" || true)
  else
    node_json=$(java -cp "$here/target/classes" org.careledger.federation.tool.HttpsGet \
      "https://$bind:$https_port/careledger/api/v1/node" 2>/dev/null || true)
  fi
  fingerprint=$(sed -n 's/.*"signingFingerprint":"\([0-9a-f]*\)".*/\1/p' <<<"$node_json")
  if [ -z "$fingerprint" ]; then
    stop_server
    die "the node is ready but https://$bind:$https_port/careledger/api/v1/node does not answer (${node_json:-no response}); see $base_dir/log/server.log"
  fi
  info "CareLedger node '$institution' is ready (PID $(cat "$pid_file"))"
  echo "  URL:          https://$bind:$https_port/careledger/api/v1/node"
  echo "  signing key:  SHA-256 $fingerprint"
  echo "  console:      https://$bind:$https_port/careledger/console/  (for users with the admin or auditor role)"
  echo "  health:       http://$bind:$mgmt_port/health/ready"
  echo "  logs:         $base_dir/log/server.log"
  [ -z "$cluster_node" ] ||
    echo "  cluster:      node $cluster_node ($jboss_node_name), JGroups $bind:$jgroups_port, peers $peers"
  echo "  stop with:    ${CARELEDGER_HOME:+CARELEDGER_HOME=$node_home }${cluster_node:+CARELEDGER_CLUSTER_NODE=$cluster_node }$0 down"
}

cmd_down() {
  load_settings
  local pid
  if pid=$(running_pid); then
    stop_server
    info "stopped institution '$institution'${cluster_node:+ node $cluster_node} (PID $pid)"
  else
    rm -f "$pid_file"
    info "institution '$institution'${cluster_node:+ node $cluster_node} is not running"
  fi
}

cmd_status() {
  load_settings
  local pid
  if pid=$(running_pid); then
    echo "running: PID $pid, home $node_home"
    [ -z "$cluster_node" ] ||
      echo "cluster node: $cluster_node ($jboss_node_name), JGroups $bind:$jgroups_port, peers $peers"
    echo "readiness: $(readiness)"
  else
    echo "stopped: home $node_home${cluster_node:+, cluster node $cluster_node}"
    return 3
  fi
}

cmd_configure() {
  load_settings
  need_peers
  ensure_built
  cluster_lock
  init_home
  cluster_unlock
  configure
  info "configured $node_home${cluster_node:+ (cluster node $cluster_node: $node_dir)}"
}

cmd_cli() { # jboss-cli against the running node; its output goes to stdout
  load_settings
  find_jboss_home
  running_pid >/dev/null || die "institution '$institution'${cluster_node:+ node $cluster_node} is not running (home $node_home)"
  run_cli --connect --controller="$bind:$mgmt_port" "$@"
  cat "$cli_log"
}

# ---------------------------------------------------------------------------------------------
# Who may sign in: people (password, bearer token) and hospital systems (client certificate)
# ---------------------------------------------------------------------------------------------
realm=/subsystem=elytron/filesystem-realm=careledger-users

need_running() {
  find_jboss_home
  running_pid >/dev/null || die "institution '$institution'${cluster_node:+ node $cluster_node} is not running (home $node_home)"
}

keytool_bin() {
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/keytool" ]; then
    echo "$JAVA_HOME/bin/keytool"
  else
    command -v keytool || die "keytool (from the JDK) not found; set JAVA_HOME"
  fi
}

valid_name() { [[ "$1" =~ ^[a-z0-9][a-z0-9._-]{0,63}$ ]] || die "name '$1' must be lower-case letters, digits, . _ - (at most 64)"; }

run_private_cli() { # run_private_cli LINES: a CLI script that may hold a secret, never on a command line
  local script
  script=$(mktemp "$node_home/.private.XXXX.cli")
  tmp_files+=("$script")
  chmod 600 "$script"
  printf '%s\n' "$1" >"$script"
  run_cli --connect --controller="$bind:$mgmt_port" --file="$script"
  rm -f "$script"
}

random_secret() { head -c 24 /dev/urandom | base64 | tr -d '=+/\n'; } # 24 random bytes, base64 without + / =

random_salt() { # 16 random bytes in the CLI's bytes{0x.., ...} form
  head -c 16 /dev/urandom | od -An -tx1 | tr -s ' \n' ' ' | sed 's/^ //;s/ $//;s/\([0-9a-f][0-9a-f]\)/0x\1/g;s/ /, /g'
}

identity_exists() {
  cli_tolerant=1 run_cli --connect --controller="$bind:$mgmt_port" \
    --command="$realm:read-identity(identity=$1)"
}

apply_mechanisms() {
  # The security domain's realms and the HTTP mechanisms, from what is configured: BASIC always;
  # CLIENT_CERT once a hospital system was added; BEARER_TOKEN once an issuer was set. The
  # deployment's own login-config (BASIC) is overridden by this list.
  local config="$base_dir/configuration/$server_config"
  local realms="{realm=careledger-users, role-decoder=careledger-roles}" mechs=""
  if grep -q 'aggregate-realm name="careledger-his"' "$config"; then
    realms+=", {realm=careledger-his, role-decoder=careledger-roles}"
    mechs+="{mechanism-name=CLIENT_CERT, pre-realm-principal-transformer=careledger-cn, realm-mapper=careledger-his}, "
  fi
  if grep -q 'token-realm name="careledger-bearer"' "$config"; then
    realms+=", {realm=careledger-bearer, role-decoder=careledger-roles}"
    mechs+="{mechanism-name=BEARER_TOKEN, realm-mapper=careledger-bearer, mechanism-realm-configurations=[{realm-name=CareLedger}]}, "
  fi
  mechs+="{mechanism-name=BASIC, mechanism-realm-configurations=[{realm-name=CareLedger}]}"
  run_private_cli "/subsystem=elytron/security-domain=careledger:write-attribute(name=realms, value=[$realms])
/subsystem=elytron/http-authentication-factory=careledger-http:write-attribute(name=mechanism-configurations, value=[$mechs])
/subsystem=undertow/application-security-domain=careledger:write-attribute(name=override-deployment-config, value=true)"
  reload_server
}

cmd_user() {
  load_settings
  need_running
  local action=${1:-} name=${2:-}
  [ -n "$name" ] || die "usage: $0 user add NAME ROLES [PATIENT_ID] | user remove NAME"
  valid_name "$name"
  case "$action" in
  add)
    local roles=${3:-} patient=${4:-} role list=""
    [ -n "$roles" ] || die "user add: ROLES missing (clinician, patient, auditor, admin, researcher, his-system)"
    for role in ${roles//,/ }; do
      case "$role" in clinician | patient | auditor | admin | researcher | his-system) ;; *) die "unknown role '$role' (clinician, patient, auditor, admin, researcher, his-system)" ;; esac
      list+="${list:+, }$role"
    done
    if [[ ",$roles," == *",patient,"* ]]; then
      [ -n "$patient" ] || die "user add: a patient needs PATIENT_ID (the id the institution registers records under)"
    fi
    [[ "$patient" =~ ^[^\"\\,=]{0,128}$ ]] || die "PATIENT_ID may not contain quotes, backslashes, commas or ="
    identity_exists "$name" && die "user '$name' exists already (user remove $name first)"
    local password=${CARELEDGER_USER_PASSWORD:-}
    # bcrypt cost (2^cost rounds): 10 costs ~0.1 s per sign-in here, which a person never notices
    # but a load generator signing every request with Basic would measure instead of the ledger.
    local cost=${CARELEDGER_BCRYPT_COST:-10}
    [[ "$cost" =~ ^([4-9]|1[0-6])$ ]] || die "CARELEDGER_BCRYPT_COST must be 4 to 16"
    local generated=no
    if [ -z "$password" ]; then
      password=$(head -c 18 /dev/urandom | base64 | tr -d '=+/\n')
      generated=yes
    fi
    [[ "$password" =~ ^[^\"\\]+$ ]] || die "CARELEDGER_USER_PASSWORD may not contain quotes or backslashes"
    local script="$realm:add-identity(identity=$name)
$realm:set-password(identity=$name, bcrypt={password=\"$password\", iteration-count=$cost, salt=bytes{$(random_salt)}})
$realm:add-identity-attribute(identity=$name, name=roles, value=[$list])"
    [ -z "$patient" ] || script+="
$realm:add-identity-attribute(identity=$name, name=patient-id, value=[\"$patient\"])"
    run_private_cli "$script"
    info "user '$name' added with roles $list${patient:+ (patient id on file)}"
    [ "$generated" = no ] || echo "  password: $password   (shown once; the realm keeps only its bcrypt hash)"
    ;;
  remove)
    identity_exists "$name" || die "no user '$name'"
    run_private_cli "$realm:remove-identity(identity=$name)"
    info "user '$name' removed"
    ;;
  *) die "usage: $0 user add NAME ROLES [PATIENT_ID] | user remove NAME" ;;
  esac
}

cmd_his_client() {
  load_settings
  need_running
  local action=${1:-} name=${2:-} keytool store="$node_home/his-clients.p12"
  [ -n "$name" ] || die "usage: $0 his-client add NAME CERT.pem | his-client remove NAME"
  valid_name "$name"
  keytool=$(keytool_bin)
  [ -n "$(prop careledger.his.clients.password)" ] ||
    set_prop careledger.his.clients.password "$(head -c 18 /dev/urandom | base64 | tr -d '=+/\n')"
  local storepass
  storepass=$(prop careledger.his.clients.password)
  case "$action" in
  add)
    local cert=${3:-} owner
    [ -f "$cert" ] || die "his-client add: certificate file '$cert' not found"
    owner=$("$keytool" -printcert -file "$cert" 2>/dev/null | sed -n 's/^Owner: //p' | head -1)
    [ -n "$owner" ] || die "'$cert' is not an X.509 certificate (PEM or DER)"
    [[ ",$owner," =~ [,\ ]CN=$name, ]] || die "the certificate's subject ($owner) must have CN=$name: the system signs in under its CN"
    "$keytool" -delete -alias "$name" -keystore "$store" -storetype PKCS12 -storepass "$storepass" >/dev/null 2>&1 || true
    "$keytool" -importcert -noprompt -alias "$name" -file "$cert" -keystore "$store" \
      -storetype PKCS12 -storepass "$storepass" >/dev/null 2>&1 || die "could not import '$cert' into $store"
    chmod 600 "$store"
    identity_exists "$name" ||
      run_private_cli "$realm:add-identity(identity=$name)
$realm:add-identity-attribute(identity=$name, name=roles, value=[his-system])"
    run_cli --connect --controller="$bind:$mgmt_port" --file="$here/src/main/cli/configure-client-cert.cli"
    apply_mechanisms
    info "hospital system '$name' signs in by its client certificate ($owner) with the role his-system"
    ;;
  remove)
    "$keytool" -delete -alias "$name" -keystore "$store" -storetype PKCS12 -storepass "$storepass" >/dev/null 2>&1 ||
      die "no hospital system '$name' in $store"
    identity_exists "$name" && run_private_cli "$realm:remove-identity(identity=$name)"
    run_cli --connect --controller="$bind:$mgmt_port" --file="$here/src/main/cli/configure-client-cert.cli"
    reload_server
    info "hospital system '$name' removed"
    ;;
  *) die "usage: $0 his-client add NAME CERT.pem | his-client remove NAME" ;;
  esac
}

cmd_bearer_issuer() {
  load_settings
  need_running
  local issuer=${1:-} cert=${2:-} audience=${3:-careledger} keytool store="$node_home/bearer-issuer.p12"
  [ -n "$issuer" ] && [ -f "$cert" ] || die "usage: $0 bearer-issuer ISSUER CERT.pem [AUDIENCE]"
  [[ "$issuer$audience" =~ ^[^\"\\,=\ ]+$ ]] || die "ISSUER and AUDIENCE may not contain quotes, backslashes, commas, = or spaces"
  keytool=$(keytool_bin)
  [ -n "$(prop careledger.bearer.issuer.password)" ] ||
    set_prop careledger.bearer.issuer.password "$(head -c 18 /dev/urandom | base64 | tr -d '=+/\n')"
  local storepass
  storepass=$(prop careledger.bearer.issuer.password)
  "$keytool" -printcert -file "$cert" >/dev/null 2>&1 || die "'$cert' is not an X.509 certificate (PEM or DER)"
  "$keytool" -delete -alias issuer -keystore "$store" -storetype PKCS12 -storepass "$storepass" >/dev/null 2>&1 || true
  "$keytool" -importcert -noprompt -alias issuer -file "$cert" -keystore "$store" \
    -storetype PKCS12 -storepass "$storepass" >/dev/null 2>&1 || die "could not import '$cert' into $store"
  chmod 600 "$store"
  set_prop careledger.bearer.issuer "$issuer"
  set_prop careledger.bearer.audience "$audience"
  run_cli --connect --controller="$bind:$mgmt_port" --file="$here/src/main/cli/configure-bearer.cli"
  apply_mechanisms
  info "bearer tokens of issuer '$issuer' for audience '$audience' are accepted (signature checked against $cert)"
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
user)
  shift
  cmd_user "$@"
  ;;
his-client)
  shift
  cmd_his_client "$@"
  ;;
bearer-issuer)
  shift
  cmd_bearer_issuer "$@"
  ;;
*)
  echo "usage: $0 up|down|status|configure|cli ARGS|build|user|his-client|bearer-issuer" >&2
  exit 2
  ;;
esac

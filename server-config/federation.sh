#!/usr/bin/env bash
# A local CareLedger federation: four institutions on this machine, each its own WildFly process
# (own node home, H2 database, keys and ports, all through node.sh), connected by JMS bridges.
#
#   server-config/federation.sh up       start the nodes (in parallel), collect their certificates
#                                        into the federation descriptor, configure the bridges
#   server-config/federation.sh down     stop the nodes this federation started (by their PIDs)
#   server-config/federation.sh status   each node, its readiness and its bridges
#
# Channel governance, one command per operation (README "Channel governance"); each proposes the
# config update at one member and collects the other members' approvals until it applies:
#   federation.sh join INSTITUTION CHANNEL     admit INSTITUTION to CHANNEL. An institution new to
#                                              the federation gets its own node first (next port
#                                              offset, remembered in federation.properties); its
#                                              certificates go into the descriptor, bridges to and
#                                              from it are created, its node takes the chain by
#                                              block sync and votes from the height it is admitted.
#   federation.sh leave INSTITUTION CHANNEL    remove it; its node stops running the channel and
#                                              bridges no longer needed are removed
#   federation.sh revoke INSTITUTION CHANNEL   revoke its signing certificate on CHANNEL
#   federation.sh renew INSTITUTION CHANNEL [--same-key]
#                                              its node gives the channel a new signing key (the
#                                              newest made after the one the channel has: channels
#                                              renewed in turn share it) or, with --same-key, a new
#                                              certificate for the key it has; the channel's other
#                                              members switch it; it signs there with that from then
#   federation.sh consent-policy CHANNEL FILE  replace CHANNEL's consent policy by FILE's (JSON)
#   federation.sh retire INSTITUTION           an institution added by 'join' that left every
#                                              channel: its node is stopped, its bridges removed,
#                                              and it is dropped from the descriptor (its home stays)
#
# Settings (environment; the base offset is remembered in <federation home>/federation.properties):
#   CARELEDGER_FEDERATION              federation name (default local-demo)
#   CARELEDGER_FEDERATION_HOME         where the node homes and the descriptor live
#                                      (default ~/.careledger/federation-<name>)
#   CARELEDGER_FEDERATION_BASE_OFFSET  port offset of the first node; the others follow in steps
#                                      of 100 (default 1000: 1000, 1100, 1200, 1300)
#   CARELEDGER_FEDERATION_PARALLEL     how many nodes boot at once (default 4)
#   CARELEDGER_READY_TIMEOUT           seconds each node may take to become ready (default 600)
#   CARELEDGER_FEDERATION_CLUSTER      one member run as a cluster of two WildFly nodes (README "An
#                                      institution as a cluster"): n1 at the member's port offset,
#                                      n2 at offset + 50, both on the PostgreSQL database below and
#                                      one institution home; bridges to it name both nodes
#   CARELEDGER_FEDERATION_CLUSTER_DB_URL, CARELEDGER_FEDERATION_CLUSTER_DB_USER
#                                      that member's database (jdbc:postgresql://HOST:PORT/DB; user
#                                      default postgres); the three are remembered in
#                                      federation.properties
#   CARELEDGER_FEDERATION_EXTRA_CHANNELS
#                                      more channels, space-separated, each id:mode:member,member...
#                                      (mode bft or unanimity), e.g. for tests that want a channel
#                                      of their own (remembered in federation.properties)
#
# Institutions: hospital-a, clinic-b, pharmacy-c, insurer-d. Channels: care-bft (all four, BFT)
# and care-trio (hospital-a, clinic-b, pharmacy-c, unanimity).
#
# Bridges run over TLS to each peer's HTTPS port; each node trusts exactly the members' TLS
# certificates from the descriptor (<home>/federation/truststore.p12).
#
# Bridge passwords: for every pair of members sharing a channel, the federation tool generates a
# password (SecureRandom, 192 bits), writes its digest as user bridge-<sender> into the receiver's
# ApplicationRealm (node home) and the password into the sender's credential store (through a
# private, deleted-after-use CLI script). Nothing secret is written anywhere else. This exchange
# works because all homes are on one machine; between real institutions it happens out of band.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
node_sh="$here/node.sh"
federation=${CARELEDGER_FEDERATION:-local-demo}
[[ "$federation" =~ ^[a-z0-9][a-z0-9-]*$ ]] || {
  echo "federation.sh: CARELEDGER_FEDERATION must be lower-case letters, digits and hyphens" >&2
  exit 2
}
fed_home=${CARELEDGER_FEDERATION_HOME:-$HOME/.careledger/federation-$federation}
case "$fed_home" in /*) ;; *) fed_home="$(pwd)/$fed_home" ;; esac
descriptor="$fed_home/federation.json"
members=(hospital-a clinic-b pharmacy-c insurer-d)
# Institutions added by 'join' (remembered in federation.properties) follow the four.
if [ -f "$fed_home/federation.properties" ]; then
  for extra_member in $(sed -n 's/^extra.members=//p' "$fed_home/federation.properties"); do
    members+=("$extra_member")
  done
fi
saved_setting() { # saved_setting KEY: a value remembered in federation.properties
  [ -f "$fed_home/federation.properties" ] || return 0
  sed -n "s/^$1=//p" "$fed_home/federation.properties" | tail -1
}
cluster=${CARELEDGER_FEDERATION_CLUSTER-$(saved_setting cluster.member)}
cluster_db_url=${CARELEDGER_FEDERATION_CLUSTER_DB_URL-$(saved_setting cluster.db.url)}
cluster_db_user=${CARELEDGER_FEDERATION_CLUSTER_DB_USER-$(saved_setting cluster.db.user)}
cluster_db_user=${cluster_db_user:-postgres}
if [ -n "$cluster" ]; then
  [[ " ${members[*]} " == *" $cluster "* ]] || {
    echo "federation.sh: CARELEDGER_FEDERATION_CLUSTER names '$cluster', not a member (${members[*]})" >&2
    exit 2
  }
  [[ "$cluster_db_url" == jdbc:postgresql://* ]] || {
    echo "federation.sh: $cluster runs as a cluster: give its database as CARELEDGER_FEDERATION_CLUSTER_DB_URL=jdbc:postgresql://HOST:PORT/DATABASE" >&2
    exit 2
  }
fi
# The nodes of the member run as a cluster, and how far each one's port offset is from the member's.
cluster_nodes=(n1 n2)
cluster_node_step=50
channels=(
  "care-bft:bft:hospital-a,clinic-b,pharmacy-c,insurer-d"
  "care-trio:unanimity:hospital-a,clinic-b,pharmacy-c"
)
parallel=${CARELEDGER_FEDERATION_PARALLEL:-4}
# Four nodes booting at once on a small machine can take minutes each (node.sh's default is 240 s).
export CARELEDGER_READY_TIMEOUT=${CARELEDGER_READY_TIMEOUT:-600}
# Four WildFly JVMs share this machine's cores. With the JIT's default tiers, C2 compilation took
# 55% of all CPU ten minutes into a load run (per-thread CPU, README "Consensus throughput"). C1
# alone (-XX:TieredStopAtLevel=1, the default until 2026-12-07) compiles in a fraction of that but
# has none of the JDK's crypto intrinsics: TLS, AES-GCM and SHA-2 ran as plain Java and a 100 MiB
# document crossed the federation at 2.5 MiB/s. So C2 compiles only the crypto and the buffers the
# bridges copy documents through (src/main/jvm/federation-c2.directives), everything else stays at
# C1. A node on its own server keeps the JVM's defaults (node.sh). Override with CARELEDGER_JAVA_OPTS.
export CARELEDGER_JAVA_OPTS=${CARELEDGER_JAVA_OPTS:--Xms256m -Xmx768m -XX:+UnlockDiagnosticVMOptions -XX:CompilerDirectivesFile=$here/src/main/jvm/federation-c2.directives}
# The members' nodes share one directory of class data sharing archives (node.sh): all run the same
# JDK, WildFly and EAR, so what one node's JVM recorded serves the others.
export CARELEDGER_CDS_DIR=${CARELEDGER_CDS_DIR:-$fed_home/cds}

die() {
  echo "federation.sh: $*" >&2
  exit 1
}
info() { echo "federation.sh: $*"; }

base_offset() {
  local saved=""
  [ -f "$fed_home/federation.properties" ] &&
    saved=$(sed -n 's/^base.offset=//p' "$fed_home/federation.properties")
  local base=${CARELEDGER_FEDERATION_BASE_OFFSET:-${saved:-1000}}
  [[ "$base" =~ ^[0-9]+$ ]] && [ "$base" -le 49000 ] ||
    die "CARELEDGER_FEDERATION_BASE_OFFSET must be a number from 0 to 49000, not '$base'"
  echo "$base"
}

extra_channels() { # the environment's, else those remembered from an earlier up
  local saved="" extra
  [ -f "$fed_home/federation.properties" ] &&
    saved=$(sed -n 's/^extra.channels=//p' "$fed_home/federation.properties")
  for extra in ${CARELEDGER_FEDERATION_EXTRA_CHANNELS-$saved}; do
    [[ "$extra" =~ ^[a-z0-9][a-z0-9-]*:(bft|unanimity):[a-z0-9,-]+$ ]] ||
      die "CARELEDGER_FEDERATION_EXTRA_CHANNELS: '$extra' is not id:mode:member,member..."
    echo "$extra"
  done
}

offset_of() { # offset_of INDEX
  echo $(($(base_offset) + 100 * $1))
}

node() { # node INDEX COMMAND [ARGS]: node.sh for one member, with only this federation's settings
  local i=$1
  if [ "${members[$i]}" = "$cluster" ]; then
    shift
    cluster_member "$i" "$@"
    return
  fi
  shift
  env -u CARELEDGER_HOME -u CARELEDGER_INSTITUTION -u CARELEDGER_PORT_OFFSET -u CARELEDGER_DB \
    -u CARELEDGER_DB_URL -u CARELEDGER_DB_USER -u CARELEDGER_DB_PASSWORD -u CARELEDGER_BIND \
    -u CARELEDGER_CLUSTER_NODE -u CARELEDGER_CLUSTER_PEERS \
    CARELEDGER_HOME="$fed_home/${members[$i]}" CARELEDGER_INSTITUTION="${members[$i]}" \
    CARELEDGER_PORT_OFFSET="$(offset_of "$i")" CARELEDGER_BIND=127.0.0.1 \
    bash "$node_sh" "$@"
}

cluster_offset() { # cluster_offset INDEX NODE_NUMBER (0, 1): a cluster node's port offset
  echo $(($(offset_of "$1") + cluster_node_step * $2))
}

cluster_node() { # cluster_node INDEX NODE_NUMBER COMMAND [ARGS]: node.sh for one node of the cluster
  local i=$1 k=$2 peers="" n
  shift 2
  for n in "${!cluster_nodes[@]}"; do
    peers+="${peers:+,}127.0.0.1[$((7600 + $(cluster_offset "$i" "$n")))]"
  done
  env -u CARELEDGER_HOME -u CARELEDGER_INSTITUTION -u CARELEDGER_PORT_OFFSET -u CARELEDGER_DB \
    -u CARELEDGER_DB_URL -u CARELEDGER_DB_USER -u CARELEDGER_DB_PASSWORD -u CARELEDGER_BIND \
    CARELEDGER_HOME="$fed_home/${members[$i]}" CARELEDGER_INSTITUTION="${members[$i]}" \
    CARELEDGER_PORT_OFFSET="$(cluster_offset "$i" "$k")" CARELEDGER_BIND=127.0.0.1 \
    CARELEDGER_CLUSTER_NODE="${cluster_nodes[$k]}" CARELEDGER_CLUSTER_PEERS="$peers" \
    CARELEDGER_DB=postgresql CARELEDGER_DB_URL="$cluster_db_url" CARELEDGER_DB_USER="$cluster_db_user" \
    bash "$node_sh" "$@"
}

cluster_member() { # cluster_member INDEX COMMAND [ARGS]: a command for the member run as a cluster
  local i=$1 k rc=0
  shift
  case "$1" in
  up | cli)
    # In order: n1 first, so that it is the oldest member of the cluster view, which the singleton
    # policy elects to run the consensus member; the bridges script applies to every node.
    for k in "${!cluster_nodes[@]}"; do cluster_node "$i" "$k" "$@" || return 1; done
    ;;
  down)
    for k in "${!cluster_nodes[@]}"; do cluster_node "$i" "$k" "$@" || rc=1; done
    return $rc
    ;;
  status | user)
    # Running if any node runs; a user goes into the realm all nodes share, through a running one.
    for k in "${!cluster_nodes[@]}"; do cluster_node "$i" "$k" "$@" && return 0; done
    return 1
    ;;
  *) cluster_node "$i" 0 "$@" ;;
  esac
}

cluster_pid() { # cluster_pid INDEX: the PIDs of a member's nodes (one, or each of its cluster's)
  local i=$1 k pids=""
  if [ "${members[$i]}" = "$cluster" ]; then
    for k in "${cluster_nodes[@]}"; do
      pids+="${pids:+,}$(cat "$fed_home/${members[$i]}/cluster/$k/node.pid" 2>/dev/null)"
    done
    echo "$pids"
  else
    cat "$fed_home/${members[$i]}/node.pid" 2>/dev/null
  fi
}

tool() { # the federation tool (server-config/src/main/java), on WildFly's own JSON-P jars; a
  # short-lived JVM like node.sh's jboss-cli runs, with the same options (CARELEDGER_TOOL_JAVA_OPTS)
  local jboss_home layers
  jboss_home=$(ls -d "$here"/target/wildfly-* | head -1)
  layers="$jboss_home/modules/system/layers/base"
  java ${CARELEDGER_TOOL_JAVA_OPTS:--XX:TieredStopAtLevel=1 -XX:+UseSerialGC} -cp "$here/target/classes:$(ls "$layers"/jakarta/json/api/main/jakarta.json-api-*.jar):$(ls "$layers"/org/eclipse/parsson/main/parsson-*.jar)" \
    org.careledger.federation.tool.FederationTool "$@"
}

start_nodes() {
  local started=$SECONDS i k pids=() indices=() failed=()
  mkdir -p "$fed_home/logs"
  for i in "${!members[@]}"; do
    node "$i" up >"$fed_home/logs/${members[$i]}-up.log" 2>&1 &
    pids+=("$!")
    indices+=("$i")
    if [ ${#pids[@]} -ge "$parallel" ] || [ "$i" -eq $((${#members[@]} - 1)) ]; then
      for k in "${!pids[@]}"; do wait "${pids[$k]}" || failed+=("${indices[$k]}"); done
      pids=()
      indices=()
    fi
  done
  if [ ${#failed[@]} -gt 0 ]; then
    for i in "${failed[@]}"; do
      echo "--- ${members[$i]} ---" >&2
      tail -30 "$fed_home/logs/${members[$i]}-up.log" >&2
    done
    die "some nodes did not start (logs in $fed_home/logs); the others keep running (federation.sh down stops them)"
  fi
  info "nodes up in $((SECONDS - started)) s"
}

write_descriptor() {
  local args=(descriptor --file "$descriptor" --federation "$federation") i offset
  for i in "${!members[@]}"; do
    offset=$(offset_of "$i")
    args+=(--member "${members[$i]}=127.0.0.1:$((8080 + offset)):$((8443 + offset))")
  done
  local c
  for c in "${channels[@]}" $(extra_channels); do args+=(--channel "$c"); done
  # care-bft's sharing policy: pharmacy-c may receive prescriptions for treatment only, insurer-d
  # lab reports for payment with the patient's consent (see README, "Channel policies").
  args+=(--policy "care-bft=$here/src/main/federation/care-bft-policy.json")
  tool "${args[@]}"
}

deliver_descriptor() {
  # Each node reads <its home>/federation.json (looking for it every few seconds until it exists):
  # from it the node derives its channels' genesis blocks and starts consensus. Written by rename,
  # so a node never reads half a file.
  local i target
  for i in "${!members[@]}"; do
    target="$fed_home/${members[$i]}/federation.json"
    if ! cmp -s "$descriptor" "$target"; then
      cp "$descriptor" "$target.tmp" && mv "$target.tmp" "$target"
    fi
  done
}

configure_bridges() {
  # Each node's script is applied by its own jboss-cli, all at once (a CLI JVM's start is most of
  # the time, and the scripts are independent: each touches its own node only).
  local configured
  local also=()
  if [ -n "$cluster" ]; then
    local ci k
    ci=$(index_of "$cluster")
    for k in "${!cluster_nodes[@]}"; do
      [ "$k" -eq 0 ] || also+=(--also "$cluster=127.0.0.1:$((8443 + $(cluster_offset "$ci" "$k")))")
    done
  fi
  configured=$(tool bridges --file "$descriptor" --homes "$fed_home" "${also[@]}") ||
    die "the federation tool could not plan the bridges"
  local institution i pids=() names=() k failed=()
  for institution in $configured; do
    for i in "${!members[@]}"; do [ "${members[$i]}" = "$institution" ] && break; done
    [ "${members[$i]}" = "$institution" ] || continue # a member this script does not run
    node "$i" cli --file="$fed_home/$institution/federation/bridges.cli" \
      >"$fed_home/logs/$institution-bridges.log" 2>&1 &
    pids+=("$!")
    names+=("$institution")
  done
  for k in "${!pids[@]}"; do
    institution=${names[$k]}
    if ! wait "${pids[$k]}"; then
      failed+=("$institution")
      rm -f "$fed_home/$institution/federation/bridge-credentials"
      cat "$fed_home/logs/$institution-bridges.log" >&2
    fi
    rm -f "$fed_home/$institution/federation/bridges.cli" # it may hold passwords
  done
  [ ${#failed[@]} -eq 0 ] ||
    die "configuring the bridges of ${failed[*]} failed; run 'federation.sh up' again to retry"
}

console_admins() {
  # One console administrator per node, 'admin' (roles admin and auditor), each with its own
  # generated password, written once to console-admin.txt (0600) in the federation home: a new
  # user signs in with those; nothing secret is in the repository. A member listed there already
  # keeps its account.
  local file="$fed_home/console-admin.txt" i pids=() password
  touch "$file"
  chmod 600 "$file"
  for i in "${!members[@]}"; do
    grep -q "^${members[$i]} " "$file" && continue
    password=$(head -c 18 /dev/urandom | base64 | tr -d '=+/\n')
    (CARELEDGER_USER_PASSWORD="$password" node "$i" user add admin admin,auditor \
      >"$fed_home/logs/${members[$i]}-console-admin.log" 2>&1 &&
      printf '%s https://127.0.0.1:%s/careledger/console/ admin %s\n' \
        "${members[$i]}" $((8443 + $(offset_of "$i"))) "$password" >>"$file") &
    pids+=("$!")
  done
  for i in "${pids[@]}"; do wait "$i" || info "a console administrator could not be added (logs in $fed_home/logs)"; done
}

cmd_up() {
  local started=$SECONDS base
  local extra
  base=$(base_offset)
  extra=$(extra_channels | tr '\n' ' ')
  umask 077
  mkdir -p "$fed_home"
  save_properties "$base" "${extra% }"
  node 0 build
  start_nodes
  write_descriptor
  configure_bridges
  deliver_descriptor # after the bridges, so the nodes' first consensus messages have a way out
  console_admins
  info "federation '$federation' is up in $((SECONDS - started)) s (descriptor $descriptor)"
  local i offset
  for i in "${!members[@]}"; do
    offset=$(offset_of "$i")
    printf '  %-11s https://127.0.0.1:%s/careledger/api/v1/node  (PID %s, home %s)\n' \
      "${members[$i]}" $((8443 + offset)) "$(cluster_pid "$i")" \
      "$fed_home/${members[$i]}"
    if [ "${members[$i]}" = "$cluster" ]; then
      printf '  %-11s https://127.0.0.1:%s/careledger/api/v1/node  (its second node, same institution)\n' \
        "" $((8443 + $(cluster_offset "$i" 1)))
    fi
  done
  echo "  admin console: https://127.0.0.1:$((8443 + $(offset_of 0)))/careledger/console/  (user 'admin'; each node's"
  echo "                 URL and generated password: $fed_home/console-admin.txt)"
}

save_properties() { # save_properties BASE_OFFSET EXTRA_CHANNELS
  printf 'federation=%s\nbase.offset=%s\nextra.channels=%s\nextra.members=%s\n' \
    "$federation" "$1" "$2" "${members[*]:4}" >"$fed_home/federation.properties"
  printf 'cluster.member=%s\ncluster.db.url=%s\ncluster.db.user=%s\n' \
    "$cluster" "$cluster_db_url" "$cluster_db_user" >>"$fed_home/federation.properties"
}

index_of() { # index_of INSTITUTION: its index in members, or nothing
  local i
  for i in "${!members[@]}"; do
    if [ "${members[$i]}" = "$1" ]; then
      echo "$i"
      return
    fi
  done
}

govern() { # govern CHANNEL CHANGE [tool options]: one config update, proposed and approved
  local channel=$1 change=$2
  shift 2
  tool govern --file "$descriptor" --homes "$fed_home" --channel "$channel" --change "$change" "$@" ||
    die "$change on $channel did not apply (see above)"
}

check_names() { # check_names INSTITUTION CHANNEL
  [[ "$1" =~ ^[a-z0-9][a-z0-9-]*$ ]] || die "'$1' is not an institution id"
  [[ "$2" =~ ^[a-z0-9][a-z0-9-]*$ ]] || die "'$2' is not a channel id"
  [ -f "$descriptor" ] || die "no federation at $fed_home: run 'federation.sh up' first"
}

cmd_join() {
  local institution=$1 channel=$2 started=$SECONDS i
  check_names "$institution" "$channel"
  umask 077
  i=$(index_of "$institution")
  if [ -z "$i" ]; then
    members+=("$institution")
    i=$((${#members[@]} - 1))
    save_properties "$(base_offset)" "$(extra_channels | tr '\n' ' ' | sed 's/ $//')"
    info "$institution is new to the federation: its node gets port offset $(offset_of "$i")"
  fi
  if ! node "$i" status >/dev/null 2>&1; then
    node "$i" up >"$fed_home/logs/$institution-up.log" 2>&1 || {
      tail -30 "$fed_home/logs/$institution-up.log" >&2
      die "the node of $institution did not start (log $fed_home/logs/$institution-up.log)"
    }
  fi
  write_descriptor
  tool member --file "$descriptor" --channel "$channel" --join "$institution"
  configure_bridges
  deliver_descriptor # the newcomer's node runs the channel: it follows the chain until admitted
  console_admins
  govern "$channel" add-member --institution "$institution"
  info "$institution joined $channel in $((SECONDS - started)) s: https://127.0.0.1:$((8443 + $(offset_of "$i")))/careledger/api/v1/channels/$channel"
}

cmd_leave() {
  local institution=$1 channel=$2
  check_names "$institution" "$channel"
  umask 077
  [ -n "$(index_of "$institution")" ] || die "$institution is not an institution of this federation"
  govern "$channel" remove-member --institution "$institution"
  tool member --file "$descriptor" --channel "$channel" --leave "$institution"
  configure_bridges
  deliver_descriptor
  info "$institution left $channel; its node keeps the chain it holds and takes nothing new of it"
}

cmd_retire() {
  local institution=$1 i k kept=()
  check_names "$institution" "channels"
  i=$(index_of "$institution")
  [ -n "$i" ] && [ "$i" -ge 4 ] || die "only an institution added by 'join' can be retired"
  umask 077
  tool retire --file "$descriptor" --institution "$institution"
  node "$i" down || true
  configure_bridges # no channel is shared with it any more: every bridge to it goes
  for k in "${!members[@]}"; do [ "$k" = "$i" ] || kept+=("${members[$k]}"); done
  members=("${kept[@]}")
  save_properties "$(base_offset)" "$(extra_channels | tr '\n' ' ' | sed 's/ $//')"
  deliver_descriptor
  info "$institution retired from federation '$federation' (its home $fed_home/$institution stays)"
}

cmd_revoke() {
  check_names "$1" "$2"
  govern "$2" revoke-certificate --institution "$1"
}

cmd_renew() { # cmd_renew INSTITUTION CHANNEL [--same-key]
  check_names "$1" "$2"
  case "${3:-}" in
  "") govern "$2" renew-certificate --institution "$1" ;;
  --same-key) govern "$2" renew-certificate --institution "$1" --same-key true ;;
  *) die "renew INSTITUTION CHANNEL [--same-key]: unknown option '$3'" ;;
  esac
  if [ "$1" = "$cluster" ]; then
    # The node that made the new key stored its keystore's password in the credential store all
    # the institution's nodes share: the others read the file again, so they hold it too.
    node "$(index_of "$1")" cli --command="/subsystem=elytron/credential-store=careledger:reload" ||
      die "the nodes of $1 could not reload their credential store"
  fi
}

cmd_consent_policy() {
  [[ "${1:-}" =~ ^[a-z0-9][a-z0-9-]*$ ]] || die "usage: federation.sh consent-policy CHANNEL FILE"
  [ -f "${2:-}" ] || die "no policy file '${2:-}'"
  [ -f "$descriptor" ] || die "no federation at $fed_home: run 'federation.sh up' first"
  govern "$1" consent-policy --policy "$(cd "$(dirname "$2")" && pwd)/$(basename "$2")"
}

cmd_down() {
  [ -d "$fed_home" ] || die "no federation at $fed_home"
  local i pids=()
  for i in "${!members[@]}"; do
    [ -d "$fed_home/${members[$i]}" ] || continue
    node "$i" down &
    pids+=("$!")
  done
  local pid rc=0
  for pid in "${pids[@]}"; do wait "$pid" || rc=1; done
  return $rc
}

cmd_status() {
  [ -d "$fed_home" ] || die "no federation at $fed_home"
  local i running=0 offset
  for i in "${!members[@]}"; do
    offset=$(offset_of "$i")
    if node "$i" status >/dev/null 2>&1; then
      running=$((running + 1))
      echo "${members[$i]}: running (PID $(cluster_pid "$i"), https://127.0.0.1:$((8443 + offset)))"
      node "$i" cli --command="/subsystem=messaging-activemq:read-children-resources(child-type=jms-bridge, include-runtime=true)" |
        awk 'match($0, /"careledger-to-[a-z0-9-]+" => \{/) { name = substr($0, RSTART + 1, RLENGTH - 7) }
             /"started" =>/ { started = $3 }
             /"message-count" =>/ { count = $3 }
             /"java.naming.provider.url" =>/ { url = $3 }
             /"target-user" =>/ && name != "" {
               gsub(/[,L"]/, "", started); gsub(/[,L"]/, "", count); gsub(/[,"]/, "", url)
               printf "  bridge %s -> %s started=%s forwarded-since-start=%s\n", name, url, started, count
               name = "" }'
    else
      echo "${members[$i]}: stopped (home $fed_home/${members[$i]})"
    fi
  done
  [ "$running" -gt 0 ] || return 3
}

two_args() {
  [ "$#" -eq 3 ] || {
    echo "usage: $0 $1 INSTITUTION CHANNEL" >&2
    exit 2
  }
}

case "${1:-}" in
up) cmd_up ;;
down) cmd_down ;;
status) cmd_status ;;
join)
  two_args "$@"
  cmd_join "$2" "$3"
  ;;
leave)
  two_args "$@"
  cmd_leave "$2" "$3"
  ;;
revoke)
  two_args "$@"
  cmd_revoke "$2" "$3"
  ;;
renew)
  [ $# -eq 3 ] || [ $# -eq 4 ] || {
    echo "usage: $0 renew INSTITUTION CHANNEL [--same-key]" >&2
    exit 2
  }
  cmd_renew "$2" "$3" "${4:-}"
  ;;
consent-policy) cmd_consent_policy "${2:-}" "${3:-}" ;;
retire) cmd_retire "${2:-}" ;;
*)
  echo "usage: $0 up|down|status|join|leave|revoke|renew|consent-policy|retire" >&2
  exit 2
  ;;
esac

#!/usr/bin/env bash
# Prepares the integration tests: a PostgreSQL database, and two configured node homes (H2 and
# PostgreSQL) for the Arquillian-managed WildFly. Arquillian deploys the EAR itself, so the copy
# node.sh puts in deployments/ is removed again.
set -euo pipefail
nodes=${1:?usage: prepare-it.sh IT_NODES_DIR}
here=$(cd "$(dirname "$0")" && pwd)
node_sh="$here/../../../node.sh"

# Servers a crashed earlier run may have left behind (only ours: they name this directory).
for pid in $(pgrep -f -- "-Djboss.server.base.dir=$nodes/" || true); do
  echo "prepare-it: stopping a leftover test server (PID $pid)"
  kill -KILL "$pid" 2>/dev/null || true
done
[ -d "$nodes/postgresql" ] && bash "$here/test-postgres.sh" stop "$nodes/postgresql" || true
rm -rf "$nodes"
mkdir -p "$nodes"
# Failsafe merges into an existing summary file: results of an earlier run must not count.
rm -f "$(dirname "$nodes")"/failsafe-reports/summary-*.xml

bash "$here/test-postgres.sh" start "$nodes/postgresql"
url=$(sed -n 's/^url=//p' "$nodes/postgresql/postgresql.properties")
user=$(sed -n 's/^user=//p' "$nodes/postgresql/postgresql.properties")

# Class data sharing (node.sh): every test node's JVMs share one directory of archives. The server's
# is recorded here, by one node started and stopped (about a minute), so that the tests' nodes map
# it from their first start; Arquillian's servers map it through the link server.jsa
# (arquillian.xml); the jboss-cli archive is recorded by the first jboss-cli run, just below.
export CARELEDGER_CDS_DIR="$nodes/cds"
CARELEDGER_HOME="$nodes/h2" CARELEDGER_INSTITUTION=it-h2 CARELEDGER_DB=h2 \
  CARELEDGER_PORT_OFFSET=100 bash "$node_sh" configure
CARELEDGER_HOME="$nodes/postgresql-node" CARELEDGER_INSTITUTION=it-postgresql CARELEDGER_DB=postgresql \
  CARELEDGER_DB_URL="$url" CARELEDGER_DB_USER="$user" CARELEDGER_PORT_OFFSET=100 bash "$node_sh" configure
rm -f "$nodes/h2/server/deployments/careledger.ear" "$nodes/postgresql-node/server/deployments/careledger.ear"
training="$nodes/cds-training"
if CARELEDGER_HOME="$training" CARELEDGER_INSTITUTION=cds-training CARELEDGER_DB=h2 \
  CARELEDGER_PORT_OFFSET=300 CARELEDGER_JAVA_OPTS="-Xms256m -Xmx768m -XX:TieredStopAtLevel=1" \
  bash "$node_sh" up >"$nodes/cds-training.log" 2>&1; then
  CARELEDGER_HOME="$training" bash "$node_sh" down >>"$nodes/cds-training.log" 2>&1
else
  # The tests do not need the archive, only run faster with it.
  echo "prepare-it: the class data sharing archive was not recorded (see $nodes/cds-training.log)"
  CARELEDGER_HOME="$training" bash "$node_sh" down >/dev/null 2>&1 || true
fi
archive=$(ls "$nodes"/cds/server-*.jsa 2>/dev/null | head -1)
[ -z "$archive" ] || ln -sf "$(basename "$archive")" "$nodes/cds/server.jsa"
rm -rf "$training"

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

CARELEDGER_HOME="$nodes/h2" CARELEDGER_INSTITUTION=it-h2 CARELEDGER_DB=h2 \
  CARELEDGER_PORT_OFFSET=100 bash "$node_sh" configure
CARELEDGER_HOME="$nodes/postgresql-node" CARELEDGER_INSTITUTION=it-postgresql CARELEDGER_DB=postgresql \
  CARELEDGER_DB_URL="$url" CARELEDGER_DB_USER="$user" CARELEDGER_PORT_OFFSET=100 bash "$node_sh" configure
rm -f "$nodes/h2/server/deployments/careledger.ear" "$nodes/postgresql-node/server/deployments/careledger.ear"

/**
 * The federation launcher's helper (run by server-config/federation.sh with {@code java -cp}): it
 * writes the federation descriptor from the members' certificates and generates each node's bridge
 * configuration (idempotent jboss-cli) from that descriptor. Not part of the EAR.
 */
package org.careledger.federation.tool;

/**
 * Consensus as the node runs it: the driver that feeds the deterministic engine of {@code
 * org.careledger.domain.consensus} with federation messages and timers, and performs what it asks.
 */
package org.careledger.application.consensus;

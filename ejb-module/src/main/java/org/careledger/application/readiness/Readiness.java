package org.careledger.application.readiness;

/**
 * A snapshot of the node's readiness.
 *
 * @param state STARTING, READY or FAILED
 * @param code the stable error code of what holds the node back, or null when ready
 * @param problem what holds the node back and how to fix it, or null when ready
 */
public record Readiness(boolean ready, String state, String code, String problem) {}

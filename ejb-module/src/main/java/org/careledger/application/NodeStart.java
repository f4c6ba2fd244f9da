package org.careledger.application;

import java.time.Instant;

/** One recorded start of the node. */
public record NodeStart(
    String institutionId, String signingFingerprint, String version, Instant startedAt) {}

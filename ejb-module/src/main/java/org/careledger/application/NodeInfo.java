package org.careledger.application;

import java.time.Instant;

/** What a node says about itself at {@code GET /api/v1/node}. */
public record NodeInfo(
    String institutionId,
    String signingFingerprint,
    String version,
    String databaseProduct,
    Instant startedAt) {}

package org.careledger.application;

/**
 * The node's public certificates, base64 (RFC 4648, with padding) of their DER encoding: what a
 * federation descriptor lists for each member. Public material only; keys never leave the node.
 */
public record NodeCertificates(
    String institutionId,
    String signingCertificate,
    String agreementCertificate,
    String tlsCertificate) {}

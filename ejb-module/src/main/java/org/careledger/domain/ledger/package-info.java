/**
 * The ledger: signed transactions in canonical JSON, hash-linked blocks with RFC 9162 Merkle tree
 * heads and commit certificates, whole-chain verification and exportable proof bundles. Plain Java;
 * thread-safe unless stated.
 */
package org.careledger.domain.ledger;

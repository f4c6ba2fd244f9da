/**
 * Merkle trees of RFC 9162 (Certificate Transparency version 2.0), section 2.1: the tree hash of a
 * block's entries, and the inclusion and consistency proofs with which members check an entry or a
 * newer block without holding every entry.
 */
package org.careledger.domain.ledger.merkle;

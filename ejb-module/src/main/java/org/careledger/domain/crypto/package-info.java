/**
 * Cryptographic primitives of the ledger in plain Java over Bouncy Castle's lightweight API:
 * Ed25519 signatures for transactions, votes and federation envelopes.
 */
package org.careledger.domain.crypto;

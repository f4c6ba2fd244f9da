/**
 * The ledger as stored: channels, blocks and transactions with the exact canonical bytes that were
 * signed. Append-only: entities have no setters and every column is {@code updatable = false}.
 */
package org.careledger.persistence.ledger;

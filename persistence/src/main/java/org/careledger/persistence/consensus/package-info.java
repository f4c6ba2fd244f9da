/**
 * A member's own consensus working state: what it signed, made durable before it is sent. Not
 * ledger data: one row per channel, replaced as consensus moves on.
 */
package org.careledger.persistence.consensus;

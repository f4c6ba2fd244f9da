/**
 * Block ordering for channels of several members: a deterministic QBFT state machine ({@link
 * org.careledger.domain.consensus.QbftEngine}), its signed messages and their binary codec, the
 * state a member persists before it signs, and block synchronisation checks. Plain Java with no
 * clock, threads or randomness of its own; a driver feeds it messages, timer events, transactions
 * and synchronised blocks, and performs the outputs it returns in order. Not thread-safe: one
 * driver thread (or lock) per engine.
 */
package org.careledger.domain.consensus;

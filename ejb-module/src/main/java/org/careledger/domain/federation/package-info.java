/**
 * The federation in plain Java: the descriptor every member shares, the genesis blocks derived from
 * it, and the signed envelope every federation message travels in, with its verification and replay
 * guard. No container, clock or randomness: callers supply time and message ids.
 */
package org.careledger.domain.federation;

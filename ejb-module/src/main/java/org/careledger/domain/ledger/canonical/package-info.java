/**
 * The canonical byte encoding that ledger transactions are hashed and signed over: RFC 8785 (JSON
 * Canonicalization Scheme) for a restricted value model, see {@link
 * org.careledger.domain.ledger.canonical.CanonicalJson}.
 */
package org.careledger.domain.ledger.canonical;

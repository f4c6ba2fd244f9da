/**
 * A node's identity: its institution id, Ed25519 signing key, X25519 key-agreement key and TLS key,
 * each bound in an X.509 certificate, and the PKCS#12 keystore that keeps them.
 */
package org.careledger.domain.identity;

/**
 * CareLedger's domain in plain Java: ledger, crypto, consensus and sharing policy. No container API
 * (jakarta.*, WildFly, MicroProfile) may be imported here; an architecture test enforces it.
 */
package org.careledger.domain;

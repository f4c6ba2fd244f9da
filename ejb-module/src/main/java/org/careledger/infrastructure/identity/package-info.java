/** Keeps the node's key material: WildFly's credential store for passwords. */
package org.careledger.infrastructure.identity;

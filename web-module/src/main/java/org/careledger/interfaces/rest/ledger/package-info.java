/** Channels and their chains: /api/v1/channels. */
package org.careledger.interfaces.rest.ledger;

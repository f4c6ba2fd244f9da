/**
 * Messages between the institutions of a federation: the transport contract (send bytes to a peer,
 * hand received bytes to a handler) and the ping that proves a bridge works end to end.
 */
package org.careledger.application.federation;

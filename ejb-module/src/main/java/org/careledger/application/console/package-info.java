/**
 * What the admin console shows that the rest of the API does not: the node's certificates and their
 * expiry, the peers and the bridges to them, channel commit metrics, and chain verification run as
 * a job with progress.
 */
package org.careledger.application.console;

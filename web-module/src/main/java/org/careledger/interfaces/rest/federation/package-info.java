/** Federation operations for administrators: ping a peer through its bridge, see pings received. */
package org.careledger.interfaces.rest.federation;

/** Who the caller is to this node: /api/v1/session. */
package org.careledger.interfaces.rest.session;

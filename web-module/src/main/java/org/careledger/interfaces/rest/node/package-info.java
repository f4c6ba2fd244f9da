/** The node's self-description: /api/v1/node. */
package org.careledger.interfaces.rest.node;

/** What the node records about itself: its starts and the identity it ran with. */
package org.careledger.persistence.node;

/**
 * Sharing health records between institutions, in plain Java: how a patient is named on a channel
 * (a keyed pseudonym, never the identifier itself) and, later, the sharing policy every member
 * evaluates identically.
 */
package org.careledger.domain.sharing;

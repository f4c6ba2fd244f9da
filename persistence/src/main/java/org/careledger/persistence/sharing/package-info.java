/**
 * The provider's side of sharing, off the chain: which patient a pseudonym stands for, and the
 * record metadata (title, clinical date) that must not go on the chain.
 */
package org.careledger.persistence.sharing;

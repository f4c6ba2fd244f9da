/**
 * The provider's data server: metadata of stored documents and the key envelopes that let readers
 * decrypt them. Not ledger: erasure removes envelopes and marks documents erased.
 */
package org.careledger.persistence.offchain;

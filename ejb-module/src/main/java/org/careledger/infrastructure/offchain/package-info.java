/** The provider's off-chain document store ("S"): encrypted, content-addressed files. */
package org.careledger.infrastructure.offchain;

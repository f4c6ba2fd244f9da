/** The standalone proof-bundle verifier: a runnable jar that needs no server and no database. */
package org.careledger.verifier;

/** Runs the schema migrations kept in the persistence module. */
package org.careledger.infrastructure.migration;

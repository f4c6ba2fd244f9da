/**
 * The storage model: JPA entities, the persistence unit and the Flyway migrations that own the
 * schema. Nothing here depends on the other CareLedger modules.
 */
package org.careledger.persistence;

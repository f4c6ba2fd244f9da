/** Adapters to WildFly, the database and the file system; the domain never sees them. */
package org.careledger.infrastructure;

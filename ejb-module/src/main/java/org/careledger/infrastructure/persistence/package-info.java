/** JPA implementations of the application's repositories. */
package org.careledger.infrastructure.persistence;

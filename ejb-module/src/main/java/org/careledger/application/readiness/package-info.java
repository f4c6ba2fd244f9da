/**
 * The readiness contract between the node service (an EJB) and the health check. Packaged with
 * {@link org.careledger.infrastructure.health} into the EAR's lib/ (classifier {@code health}),
 * because WildFly's MicroProfile Health collects checks only from an EAR's top-level bean archive.
 */
package org.careledger.application.readiness;

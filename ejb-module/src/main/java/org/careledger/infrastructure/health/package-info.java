/** MicroProfile Health checks served at WildFly's /health endpoints. */
package org.careledger.infrastructure.health;

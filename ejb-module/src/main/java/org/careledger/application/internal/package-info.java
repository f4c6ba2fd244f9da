/** EJB implementations of the application services. */
package org.careledger.application.internal;

/** REST resources behind the admin console ({@code /api/v1/console}). */
package org.careledger.interfaces.rest.console;

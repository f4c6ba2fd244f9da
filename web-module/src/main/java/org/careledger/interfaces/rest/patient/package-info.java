/** REST views for the signed-in patient: their records, their audit trail, their consent. */
package org.careledger.interfaces.rest.patient;

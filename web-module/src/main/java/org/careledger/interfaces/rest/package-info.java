/** The REST interface under /careledger/api: resources translate and delegate, nothing more. */
package org.careledger.interfaces.rest;

package org.careledger.interfaces.rest;

/**
 * An RFC 9457 problem detail, with CareLedger's stable error code as an extension member.
 *
 * @param type a URI naming the problem type ({@code urn:careledger:error:CL-1010})
 * @param code the stable error code, e.g. {@code CL-1010}
 */
public record Problem(String type, String title, int status, String detail, String code) {

  public static final String MEDIA_TYPE = "application/problem+json";
}

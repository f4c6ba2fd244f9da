package org.careledger.domain.federation;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Pattern;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;

/**
 * Where a member's Artemis broker accepts bridges: over an HTTP upgrade of its WildFly listeners,
 * {@code port} the HTTP one and {@code tlsPort} the HTTPS one (bridges use TLS). A descriptor that
 * names no {@code tlsPort} means WildFly's default layout, 363 above {@code port} (8443 - 8080
 * under any port offset); an institution whose HTTPS listener is elsewhere says where. The host is
 * a DNS name (RFC 1123 labels), a dotted IPv4 literal or an IPv6 literal without brackets; it is
 * checked for form only, never resolved, so parsing a descriptor does no network I/O. Host names
 * are kept in lower case, as DNS compares them.
 */
public record ArtemisEndpoint(String host, int port, int tlsPort) {

  /** WildFly's HTTPS socket binding lies this far above its HTTP one: 8443 - 8080. */
  public static final int DEFAULT_TLS_PORT_DISTANCE = 8443 - 8080;

  private static final Pattern DNS_NAME =
      Pattern.compile(
          "(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*");
  private static final Pattern IPV4 = Pattern.compile("[0-9]{1,3}(?:\\.[0-9]{1,3}){3}");
  private static final Pattern IPV6 = Pattern.compile("[0-9a-f:][0-9a-f:.]{1,44}");

  public ArtemisEndpoint {
    if (host == null) {
      throw invalid("host is missing");
    }
    host = host.toLowerCase(Locale.ROOT);
    if (!validHost(host)) {
      throw invalid("host '" + host + "' is not a DNS name, IPv4 or IPv6 literal");
    }
    if (port < 1 || port > 65535) {
      throw invalid("port " + port + " is not within 1-65535");
    }
    if (tlsPort < 1 || tlsPort > 65535) {
      throw invalid("tlsPort " + tlsPort + " is not within 1-65535");
    }
    if (tlsPort == port) {
      throw invalid("tlsPort " + tlsPort + " is the HTTP port");
    }
  }

  /** WildFly's default layout: the HTTPS listener {@value #DEFAULT_TLS_PORT_DISTANCE} above. */
  public ArtemisEndpoint(String host, int port) {
    this(host, port, port + DEFAULT_TLS_PORT_DISTANCE);
  }

  private static boolean validHost(String host) {
    if (IPV4.matcher(host).matches()) {
      for (String octet : host.split("\\.")) {
        if (Integer.parseInt(octet) > 255 || (octet.length() > 1 && octet.startsWith("0"))) {
          return false;
        }
      }
      return true;
    }
    if (host.indexOf(':') >= 0) {
      return IPV6.matcher(host).matches() && validIpv6(host);
    }
    // A name whose last label is all digits would be read as a (bad) IPv4 address by resolvers.
    return DNS_NAME.matcher(host).matches() && !host.matches(".*\\.[0-9]+|[0-9]+");
  }

  /**
   * RFC 4291 §2.2 text forms. The JDK parses a string of hex digits, colons and dots that starts
   * with a hex digit or colon as an address literal and never looks it up (the pattern guarantees
   * that start), so this does no DNS.
   */
  private static boolean validIpv6(String host) {
    try {
      return InetAddress.getByName(host) != null;
    } catch (UnknownHostException e) {
      return false;
    }
  }

  private static CareLedgerException invalid(String why) {
    return new CareLedgerException(
        ErrorCode.FEDERATION_ENDPOINT_INVALID, "artemis endpoint: " + why);
  }

  @Override
  public String toString() {
    String address = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
    return address + ":" + port + " (TLS " + tlsPort + ")";
  }
}

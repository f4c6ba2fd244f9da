package org.careledger.interfaces.console;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import org.careledger.domain.ErrorCode;

/** What the console's servlets and filter share: session attribute names, roles, responses. */
final class ConsoleSession {

  /** Session attribute holding the CSRF token; set only by a console sign-in. */
  static final String CSRF_ATTRIBUTE = "careledger.console.csrf";

  static final String CSRF_HEADER = "X-CSRF-Token";

  /** Roles that may use the console: admin (acts), auditor (reads). */
  static final List<String> CONSOLE_ROLES = List.of("admin", "auditor");

  static final List<String> ALL_ROLES =
      List.of("admin", "auditor", "clinician", "patient", "his-system");

  /** Minutes without a request after which a console session ends. */
  static final int IDLE_MINUTES = 15;

  private static final SecureRandom RANDOM = new SecureRandom();

  private ConsoleSession() {}

  static String newToken() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** An RFC 9457 problem with CareLedger's code, as the REST API answers. */
  static void problem(HttpServletResponse response, int status, ErrorCode code, String detail)
      throws IOException {
    response.setStatus(status);
    response.setContentType("application/problem+json");
    response.setCharacterEncoding(StandardCharsets.UTF_8.name());
    response.setHeader("Cache-Control", "no-store");
    response
        .getWriter()
        .write(
            "{\"type\":\"urn:careledger:error:"
                + code.code()
                + "\",\"title\":\""
                + (status == 401 ? "Unauthorized" : "Forbidden")
                + "\",\"status\":"
                + status
                + ",\"detail\":\""
                + json(detail)
                + "\",\"code\":\""
                + code.code()
                + "\"}");
  }

  static String json(String text) {
    StringBuilder out = new StringBuilder();
    for (char c : text.toCharArray()) {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        default -> {
          if (c < 0x20 || c == '<' || c == '>' || c == '&') {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.toString();
  }
}

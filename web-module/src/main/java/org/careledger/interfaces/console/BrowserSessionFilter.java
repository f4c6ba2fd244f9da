package org.careledger.interfaces.console;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Set;
import org.careledger.domain.ErrorCode;

/**
 * Protects signed-in browser sessions. A state-changing request (anything but GET, HEAD, OPTIONS)
 * that arrives on a console session and carries no {@code Authorization} header of its own is
 * authenticated by its cookie, which a browser also sends on another site's behalf: it must carry
 * the session's CSRF token in {@code X-CSRF-Token}, compared in constant time, or it is refused
 * with 403 {@code CL-1821} before anything runs. API clients that authenticate every request
 * (BASIC, bearer token, client certificate) hold no console session and are not affected. The
 * sign-in form itself is exempt: it starts a new session.
 *
 * <p>The filter supports asynchronous requests: the API answers a submitted transaction
 * asynchronously once it commits, and Undertow refuses async processing behind any filter that does
 * not (500, UT010026).
 *
 * <p>The console's own files get a strict Content-Security-Policy (scripts and styles from the node
 * only, no framing, forms post only to the node) and are not cached.
 */
@WebFilter(
    urlPatterns = {"/api/*", "/console/*", "/soap/*"},
    asyncSupported = true)
public class BrowserSessionFilter extends HttpFilter {

  private static final long serialVersionUID = 1L;
  private static final Set<String> SAFE = Set.of("GET", "HEAD", "OPTIONS");

  static final String CSP =
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
          + " connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none';"
          + " object-src 'none'";

  @Override
  protected void doFilter(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    String path =
        request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
    if (path.startsWith("/console/")) {
      response.setHeader("Content-Security-Policy", CSP);
      response.setHeader("X-Frame-Options", "DENY");
      response.setHeader("X-Content-Type-Options", "nosniff");
      response.setHeader("Referrer-Policy", "no-referrer");
      response.setHeader("Cache-Control", "no-store");
    }
    if (!SAFE.contains(request.getMethod())
        && !path.equals("/console/login")
        && request.getHeader("Authorization") == null) {
      HttpSession session = request.getSession(false);
      Object expected =
          session == null ? null : session.getAttribute(ConsoleSession.CSRF_ATTRIBUTE);
      if (expected != null
          && !matches(expected.toString(), request.getHeader(ConsoleSession.CSRF_HEADER))) {
        ConsoleSession.problem(
            response,
            HttpServletResponse.SC_FORBIDDEN,
            ErrorCode.CSRF_TOKEN_INVALID,
            "a state-changing request of a console session needs the session's token in "
                + ConsoleSession.CSRF_HEADER);
        return;
      }
    }
    chain.doFilter(request, response);
  }

  static boolean matches(String expected, String given) {
    return given != null
        && MessageDigest.isEqual(
            expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
  }
}

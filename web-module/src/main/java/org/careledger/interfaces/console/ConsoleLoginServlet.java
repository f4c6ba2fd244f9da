package org.careledger.interfaces.console;

import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.util.logging.Logger;

/**
 * {@code POST /console/login} (form: {@code username}, {@code password}): signs a browser in, then
 * answers 303 to the console, or to the sign-in page with {@code ?error=credentials}, {@code role}
 * (an account without admin or auditor role: {@code CL-1822}, signed out again at once) or {@code
 * input}. Sign-ins and refusals are logged with the account name and the client address, never the
 * password.
 */
@WebServlet("/console/login")
public class ConsoleLoginServlet extends HttpServlet {

  private static final long serialVersionUID = 1L;
  private static final Logger LOG = Logger.getLogger(ConsoleLoginServlet.class.getName());

  @Override
  protected void doPost(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    String user = request.getParameter("username");
    String password = request.getParameter("password");
    String console = request.getContextPath() + "/console/";
    if (user == null || user.isBlank() || password == null || password.isEmpty()) {
      response.sendRedirect(console + "login.html?error=input");
      return;
    }
    HttpSession previous = request.getSession(false);
    if (previous != null) {
      // A new sign-in starts from nothing: no identity or token of an earlier session survives.
      logoutQuietly(request);
      previous.invalidate();
    }
    try {
      request.login(user, password);
    } catch (ServletException e) {
      LOG.warning(
          "console sign-in refused for '" + printable(user) + "' from " + request.getRemoteAddr());
      redirect(response, console + "login.html?error=credentials");
      return;
    }
    boolean allowed = ConsoleSession.CONSOLE_ROLES.stream().anyMatch(request::isUserInRole);
    if (!allowed) {
      LOG.warning(
          "CL-1822: console sign-in by '"
              + printable(user)
              + "' from "
              + request.getRemoteAddr()
              + " refused: neither admin nor auditor");
      logoutQuietly(request);
      HttpSession session = request.getSession(false);
      if (session != null) {
        session.invalidate();
      }
      redirect(response, console + "login.html?error=role");
      return;
    }
    HttpSession session = request.getSession(true);
    session.setMaxInactiveInterval(ConsoleSession.IDLE_MINUTES * 60);
    session.setAttribute(ConsoleSession.CSRF_ATTRIBUTE, ConsoleSession.newToken());
    LOG.info("console sign-in by '" + printable(user) + "' from " + request.getRemoteAddr());
    redirect(response, console);
  }

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    response.sendRedirect(request.getContextPath() + "/console/login.html");
  }

  /** 303 See Other: the browser follows with a GET, so a reload does not post the form again. */
  private static void redirect(HttpServletResponse response, String location) {
    response.setStatus(HttpServletResponse.SC_SEE_OTHER);
    response.setHeader("Location", location);
  }

  static void logoutQuietly(HttpServletRequest request) {
    try {
      request.logout();
    } catch (ServletException e) {
      LOG.fine("logout: " + e.getMessage());
    }
  }

  /** The account name for the log: printable ASCII only, at most 64 characters. */
  static String printable(String user) {
    String clean = user.replaceAll("[^\\x21-\\x7e]", "?");
    return clean.length() > 64 ? clean.substring(0, 64) + "…" : clean;
  }
}

package org.careledger.interfaces.console;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;

/**
 * {@code POST /console/logout}: ends the session (its identity and CSRF token with it); 204. Like
 * every state-changing console request it needs the session's CSRF token ({@link
 * BrowserSessionFilter}), so another site cannot sign an administrator out.
 */
@WebServlet("/console/logout")
public class ConsoleLogoutServlet extends HttpServlet {

  private static final long serialVersionUID = 1L;

  @Override
  protected void doPost(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    ConsoleLoginServlet.logoutQuietly(request);
    HttpSession session = request.getSession(false);
    if (session != null) {
      session.invalidate();
    }
    response.setStatus(HttpServletResponse.SC_NO_CONTENT);
  }
}

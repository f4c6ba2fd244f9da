package org.careledger.interfaces.console;

import jakarta.ejb.EJB;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.careledger.application.NodeService;
import org.careledger.domain.ErrorCode;

/**
 * {@code GET /console/session}: who is signed in on this browser session, with which roles, at
 * which institution, and the session's CSRF token for the pages' state-changing requests; 401
 * ({@code CL-1820}) without a console session. The token is readable only by same-origin scripts
 * (the response is JSON, not cacheable, and the console's pages forbid framing).
 */
@WebServlet("/console/session")
public class ConsoleSessionServlet extends HttpServlet {

  private static final long serialVersionUID = 1L;

  @EJB private NodeService node;

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    HttpSession session = request.getSession(false);
    Object token = session == null ? null : session.getAttribute(ConsoleSession.CSRF_ATTRIBUTE);
    if (token == null || request.getUserPrincipal() == null) {
      ConsoleSession.problem(
          response,
          HttpServletResponse.SC_UNAUTHORIZED,
          ErrorCode.CONSOLE_NOT_SIGNED_IN,
          "not signed in to the console (or the session ended)");
      return;
    }
    List<String> roles = ConsoleSession.ALL_ROLES.stream().filter(request::isUserInRole).toList();
    StringBuilder json = new StringBuilder("{\"user\":\"");
    json.append(ConsoleSession.json(request.getUserPrincipal().getName())).append("\",\"roles\":[");
    for (int i = 0; i < roles.size(); i++) {
      json.append(i == 0 ? "" : ",").append('"').append(roles.get(i)).append('"');
    }
    json.append("],\"admin\":")
        .append(roles.contains("admin"))
        .append(",\"institution\":\"")
        .append(ConsoleSession.json(node.nodeInfo().institutionId()))
        .append("\",\"csrf\":\"")
        .append(token)
        .append("\"}");
    response.setContentType("application/json");
    response.setCharacterEncoding(StandardCharsets.UTF_8.name());
    response.setHeader("Cache-Control", "no-store");
    response.getWriter().write(json.toString());
  }
}

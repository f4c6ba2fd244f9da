/**
 * The admin console's browser session: sign-in and sign-out at {@code /console/login} and {@code
 * /console/logout}, the session's description at {@code /console/session}, and the filter that
 * protects browser sessions from cross-site request forgery and framing. The console's pages are
 * static files over the REST API ({@code webapp/console}).
 *
 * <p><b>How a browser is signed in.</b> The sign-in form posts the user name and password to {@link
 * ConsoleLoginServlet}, which authenticates them with {@code HttpServletRequest.login} against the
 * node's security domain (the same realm and bcrypt hashes as the API's BASIC). Elytron caches the
 * resulting identity in the HTTP session and changes the session id (no fixation); later requests
 * of the session, API calls included, run as that identity, with its roles checked by the container
 * and the EJBs as for any caller. The session cookie is HttpOnly, Secure and SameSite=Strict, the
 * session ends after 15 minutes without a request, and every state-changing request of a signed-in
 * session must carry the session's CSRF token in {@code X-CSRF-Token} ({@link
 * BrowserSessionFilter}). Only accounts with the admin or auditor role may sign in.
 */
package org.careledger.interfaces.console;

package org.careledger.benchmarks;

import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * TLS for the load generators: trusts any server certificate, as the nodes' certificates are
 * self-issued. For nodes on this machine only, never for a real network.
 */
final class TrustAnyServer {

  private TrustAnyServer() {}

  static SSLContext context() throws Exception {
    TrustManager any =
        new X509TrustManager() {
          @Override
          public void checkClientTrusted(X509Certificate[] chain, String authType) {}

          @Override
          public void checkServerTrusted(X509Certificate[] chain, String authType) {}

          @Override
          public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
          }
        };
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, new TrustManager[] {any}, new SecureRandom());
    return context;
  }
}

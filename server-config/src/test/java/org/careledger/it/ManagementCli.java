package org.careledger.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

/** jboss-cli against the test server, as an operator runs it; and realm identities made per run. */
final class ManagementCli {

  private static final int OFFSET = Integer.getInteger("it.arquillian.offset");

  private ManagementCli() {}

  static void run(String... commands) throws Exception {
    File jbossCli = new File(System.getProperty("jboss.home"), "bin/jboss-cli.sh");
    Path script = Files.createTempFile("careledger-it", ".cli");
    try {
      Files.writeString(script, String.join("\n", commands) + "\n");
      Process process =
          new ProcessBuilder(
                  "bash",
                  jbossCli.getPath(),
                  "--connect",
                  "--controller=127.0.0.1:" + (9990 + OFFSET),
                  "--file=" + script)
              .redirectErrorStream(true)
              .start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(process.waitFor(2, TimeUnit.MINUTES)).isTrue();
      assertThat(process.exitValue()).as(output).isZero();
      assertThat(output).as(output).doesNotContain("\"outcome\" => \"failed\"");
    } finally {
      Files.deleteIfExists(script);
    }
  }

  /** Adds an identity with these roles to the node's realm, unless it exists already. */
  static void addIdentity(String name, String password, String... roles) throws Exception {
    String realm = "/subsystem=elytron/filesystem-realm=careledger-users";
    run(
        "if (outcome != success) of " + realm + ":read-identity(identity=" + name + ")",
        realm + ":add-identity(identity=" + name + ")",
        realm + ":set-password(identity=" + name + ", clear={password=\"" + password + "\"})",
        realm
            + ":add-identity-attribute(identity="
            + name
            + ", name=roles, value=["
            + String.join(", ", roles)
            + "])",
        "end-if");
  }

  static String randomPassword() {
    byte[] bytes = new byte[18];
    new SecureRandom().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}

package org.careledger.verifier;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ledger.ProofBundle;

/**
 * Checks a CareLedger proof bundle with no server and no database:
 *
 * <pre>java -jar careledger-verifier.jar bundle.json</pre>
 *
 * Prints {@code OK ...} and exits 0, or {@code FAILED <check>: <detail>} and exits 1 (2 for usage
 * or I/O errors).
 */
public final class VerifyBundle {

  private VerifyBundle() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length != 1) {
      err.println("usage: java -jar careledger-verifier.jar <proof-bundle.json>");
      return 2;
    }
    byte[] bundle;
    try {
      bundle = Files.readAllBytes(Path.of(args[0]));
    } catch (IOException e) {
      err.println("cannot read " + args[0] + ": " + e.getMessage());
      return 2;
    }
    try {
      ProofBundle.Verified v = ProofBundle.verify(bundle);
      out.printf(
          "OK transaction %s (%s by %s) is in block %d of channel %s; blocks %d..%d each committed"
              + " by a quorum of %s%n",
          v.transactionId(),
          v.type(),
          v.author(),
          v.height(),
          v.channel(),
          v.from(),
          v.head(),
          v.configTransactions() == 0
              ? "the " + v.members() + " members named in genesis"
              : "the members in force at its height, folded from genesis and "
                  + v.configTransactions()
                  + " config transactions ("
                  + v.members()
                  + " members at block "
                  + v.height()
                  + ")");
      return 0;
    } catch (CareLedgerException e) {
      out.println("FAILED " + e.getMessage());
      return 1;
    }
  }
}

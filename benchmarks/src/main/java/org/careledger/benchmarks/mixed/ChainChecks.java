package org.careledger.benchmarks.mixed;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

/**
 * The checks after a run, against the nodes taken as honest, through {@link Ledger} (HTTP in the
 * generator, a fake in the tests):
 *
 * <ol>
 *   <li><b>committed</b>: every transaction the system acknowledged is on every honest node's
 *       chain. Each node's blocks from its height at the run's start to its head are read ({@code
 *       GET blocks/{h}}, which names the block's transactions), again every 2 s for stragglers
 *       until the wait is over; what is still missing is asked for by proof ({@code GET
 *       transactions/{tx}/proof}); and the proof bundles of a sample of the transactions (or all)
 *       are fetched at every node and must answer 200. Reading the blocks rather than fetching one
 *       proof per transaction keeps the check linear in the chain: a node assembles each proof
 *       bundle from its whole chain.
 *   <li><b>identical</b>: the honest chains hold the same blocks. Hashes are compared at heights
 *       sampled over 1 … the lowest head ({@link HeightSample}: all, or 200 spread evenly and the
 *       last 20), and at every height of the run that the first check read at more than one node.
 *   <li><b>verified</b>: {@code POST verify} answers {@code ok} at every honest node.
 * </ol>
 */
public final class ChainChecks {

  /** A block as the check needs it: its hash and its transactions' ids. */
  public record Block(String hash, List<String> txIds) {}

  /** What the checks ask of a node. */
  public interface Ledger {
    /** The channel's height at the node. */
    long height(int node) throws IOException;

    /** The block at {@code height}. */
    Block block(int node, long height) throws IOException;

    /** The HTTP status of the transaction's proof bundle ({@code head}: its height, or null). */
    int proof(int node, String txId, Long head) throws IOException;

    /** Null when the node's verification answers {@code ok}; else what it reported. */
    String verify(int node) throws IOException;
  }

  /** How many heights {@link #identical} spreads over the chain, and how many last ones it adds. */
  public static final int SPREAD = 200;

  public static final int LAST = 20;

  private static final int CONFIRM_BY_PROOF = 50;

  private final Ledger ledger;
  private final List<String> names;
  private final int[] honest;
  private final long[] startHeights;
  private final long stragglerMillis;
  private final LongSupplier clock;
  private final LongConsumer sleep;

  /** Hash of each height read by {@link #committed}, and at how many nodes it was read. */
  private final Map<Long, String> runHashes = new HashMap<>();

  private final Map<Long, Integer> runReads = new HashMap<>();
  private final List<String> runMismatches = new ArrayList<>();

  /**
   * @param names every node's institution, by index
   * @param honest the indexes of the nodes checked
   * @param startHeights every node's height when the run started (by index)
   */
  public ChainChecks(
      Ledger ledger,
      List<String> names,
      int[] honest,
      long[] startHeights,
      long stragglerMillis,
      LongSupplier clock,
      LongConsumer sleep) {
    this.ledger = ledger;
    this.names = names;
    this.honest = honest.clone();
    this.startHeights = startHeights.clone();
    this.stragglerMillis = stragglerMillis;
    this.clock = clock;
    this.sleep = sleep;
  }

  /** Check (a). {@code proofs}: how many to sample, or {@link LoadOptions#ALL_PROOFS}. */
  public RunReport.Check committed(Set<String> acknowledged, int proofs, RandomGenerator random) {
    Map<Integer, Set<String>> missing = new TreeMap<>();
    long[] scanned = startHeights.clone();
    Map<String, Long> heightOf = new HashMap<>();
    Map<Integer, String> errors = new TreeMap<>();
    long firstHeight = Long.MAX_VALUE;
    long lastHeight = 0;
    for (int node : honest) {
      missing.put(node, new HashSet<>(acknowledged));
      firstHeight = Math.min(firstHeight, startHeights[node] + 1);
    }
    long deadline = Long.MAX_VALUE;
    boolean first = true;
    while (true) {
      for (int node : honest) {
        Set<String> lacking = missing.get(node);
        if (!first && lacking.isEmpty()) {
          continue;
        }
        try {
          long head = ledger.height(node);
          for (long h = scanned[node] + 1; h <= head; h++) {
            Block block = ledger.block(node, h);
            for (String tx : block.txIds()) {
              if (lacking.remove(tx)) {
                heightOf.putIfAbsent(tx, h);
              }
            }
            compareRunHash(node, h, block.hash());
            scanned[node] = h;
          }
          lastHeight = Math.max(lastHeight, head);
          errors.remove(node);
        } catch (IOException | RuntimeException e) {
          errors.put(node, String.valueOf(e.getMessage()));
        }
      }
      if (first) {
        first = false;
        deadline = clock.getAsLong() + stragglerMillis;
      }
      boolean done = errors.isEmpty() && missing.values().stream().allMatch(Set::isEmpty);
      if (done || clock.getAsLong() >= deadline) {
        break;
      }
      sleep.accept(Math.min(2000, Math.max(1, deadline - clock.getAsLong())));
    }

    // What the blocks did not show is asked for by proof (bounded: the proof endpoint is costly).
    int foundByProof = 0;
    for (int node : honest) {
      List<String> lacking = new ArrayList<>(missing.get(node));
      Collections.sort(lacking);
      for (String tx : lacking.subList(0, Math.min(CONFIRM_BY_PROOF, lacking.size()))) {
        try {
          if (ledger.proof(node, tx, null) == 200) {
            missing.get(node).remove(tx);
            foundByProof++;
          }
        } catch (IOException | RuntimeException e) {
          errors.put(node, String.valueOf(e.getMessage()));
        }
      }
    }

    List<String> sample = new ArrayList<>(acknowledged);
    Collections.sort(sample);
    if (proofs != LoadOptions.ALL_PROOFS && sample.size() > proofs) {
      for (int i = 0; i < proofs; i++) {
        Collections.swap(sample, i, i + random.nextInt(sample.size() - i));
      }
      sample = sample.subList(0, proofs);
    }
    List<String> proofFailures = new ArrayList<>();
    for (int node : honest) {
      for (String tx : sample) {
        if (missing.get(node).contains(tx)) {
          continue; // already counted as missing
        }
        int status;
        try {
          status = ledger.proof(node, tx, heightOf.get(tx));
        } catch (IOException | RuntimeException e) {
          status = 0;
        }
        if (status != 200) {
          proofFailures.add(names.get(node) + " " + shortTx(tx) + " → " + status);
        }
      }
    }

    List<String> problems = new ArrayList<>();
    for (int node : honest) {
      Set<String> lacking = missing.get(node);
      if (!lacking.isEmpty()) {
        problems.add(
            names.get(node)
                + " lacks "
                + lacking.size()
                + " (e.g. "
                + shortTx(lacking.stream().sorted().findFirst().orElseThrow())
                + ")");
      }
    }
    errors.forEach((node, error) -> problems.add(names.get(node) + " unreadable: " + error));
    if (!proofFailures.isEmpty()) {
      problems.add(
          proofFailures.size()
              + " proof bundles not served (e.g. "
              + String.join(", ", proofFailures.subList(0, Math.min(3, proofFailures.size())))
              + ")");
    }
    String scope =
        String.format(
            Locale.ROOT,
            "%d acknowledged transactions; blocks %s read at each of %d checked nodes%s;"
                + " proof bundles of %s fetched at every checked node",
            acknowledged.size(),
            lastHeight >= firstHeight ? firstHeight + "–" + lastHeight : "(none new)",
            honest.length,
            foundByProof > 0 ? ", " + foundByProof + " more found by proof" : "",
            proofs == LoadOptions.ALL_PROOFS || sample.size() == acknowledged.size()
                ? "all " + sample.size()
                : sample.size() + " sampled");
    return problems.isEmpty()
        ? new RunReport.Check("(a) committed at every honest node", true, scope)
        : new RunReport.Check(
            "(a) committed at every honest node",
            false,
            String.join("; ", problems) + ". " + scope);
  }

  private void compareRunHash(int node, long height, String hash) {
    String seen = runHashes.putIfAbsent(height, hash);
    runReads.merge(height, 1, Integer::sum);
    if (seen != null && !seen.equals(hash) && runMismatches.size() < 10) {
      runMismatches.add("height " + height + " at " + names.get(node));
    }
  }

  /** Check (b). Run after {@link #committed}, whose block reads it reuses. */
  public RunReport.Check identical() {
    String name = "(b) honest chains identical";
    long lowest = Long.MAX_VALUE;
    try {
      for (int node : honest) {
        lowest = Math.min(lowest, ledger.height(node));
      }
    } catch (IOException | RuntimeException e) {
      return new RunReport.Check(name, false, "a node's height unreadable: " + e.getMessage());
    }
    long[] heights = HeightSample.pick(lowest, SPREAD, LAST);
    List<String> mismatches = new ArrayList<>(runMismatches);
    for (long h : heights) {
      String reference = null;
      for (int node : honest) {
        String hash;
        try {
          hash = ledger.block(node, h).hash();
        } catch (IOException | RuntimeException e) {
          return new RunReport.Check(
              name,
              false,
              "block " + h + " unreadable at " + names.get(node) + ": " + e.getMessage());
        }
        if (reference == null) {
          reference = hash;
        } else if (!reference.equals(hash) && mismatches.size() < 10) {
          mismatches.add("height " + h + " at " + names.get(node));
        }
      }
    }
    long runCompared = runReads.values().stream().filter(n -> n > 1).count();
    String scope =
        String.format(
            Locale.ROOT,
            "block hashes at %s of heights 1–%d (the lowest head), and at %d heights of the run"
                + " read at more than one node, compared across %d checked nodes",
            HeightSample.complete(lowest, SPREAD, LAST)
                ? "all " + heights.length
                : heights.length + " sampled (" + SPREAD + " spread evenly, the last " + LAST + ")",
            lowest == Long.MAX_VALUE ? 0 : lowest,
            runCompared,
            honest.length);
    return mismatches.isEmpty()
        ? new RunReport.Check(name, true, scope)
        : new RunReport.Check(
            name, false, "differ: " + String.join(", ", mismatches) + ". " + scope);
  }

  /** Check (c). */
  public RunReport.Check verified() {
    List<String> problems = new ArrayList<>();
    for (int node : honest) {
      try {
        String failure = ledger.verify(node);
        if (failure != null) {
          problems.add(names.get(node) + ": " + failure);
        }
      } catch (IOException | RuntimeException e) {
        problems.add(names.get(node) + " unreachable: " + e.getMessage());
      }
    }
    String name = "(c) verify ok at every honest node";
    return problems.isEmpty()
        ? new RunReport.Check(name, true, "POST verify answered ok at " + honest.length + " nodes")
        : new RunReport.Check(name, false, String.join("; ", problems));
  }

  /** Check (d). */
  public static RunReport.Check noCorruptRetrieval(long corrupt, long retrievals) {
    String name = "(d) no corrupt retrieval";
    return corrupt == 0
        ? new RunReport.Check(
            name, true, retrievals + " acknowledged retrievals, each matching its SHA-256")
        : new RunReport.Check(
            name,
            false,
            corrupt
                + " of "
                + retrievals
                + " acknowledged retrievals returned other bytes than registered");
  }

  private static String shortTx(String tx) {
    return tx.length() > 12 ? tx.substring(0, 12) + "…" : tx;
  }
}

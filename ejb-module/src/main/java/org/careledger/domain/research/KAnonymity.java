package org.careledger.domain.research;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;

/**
 * The k-anonymity check of a research export: patients are grouped by their {@link
 * QuasiIdentifiers} tuple (birth year, sex, three-digit ZIP, {@code unknown} being a value like any
 * other), and every group must hold at least k patients, so no combination of those attributes a
 * researcher could look up elsewhere narrows a record down to fewer than k people. Safe Harbor
 * alone does not promise that (a rare birth year in a small ZIP area can single a patient out), so
 * the export refuses instead of producing a dataset with a smaller group.
 *
 * <p>k must be at least 2 (k = 1 checks nothing). A dataset of no patients passes: it holds nobody
 * to single out. The refusal names k and the size of the smallest group, never the quasi-identifier
 * values of that group (they would tell who is in it).
 */
public final class KAnonymity {

  /** The smallest k accepted. */
  public static final int MIN_K = 2;

  /** The size of the smallest group (0 for no patients) and the number of groups. */
  public record Result(int smallestGroup, int groups) {}

  private KAnonymity() {}

  /** Groups the patients (by any patient key) by quasi-identifiers; k is checked for its form. */
  public static Result check(Map<String, QuasiIdentifiers> byPatient, int k) {
    requireValidK(k);
    Objects.requireNonNull(byPatient, "byPatient");
    Map<QuasiIdentifiers, Integer> sizes = new HashMap<>();
    for (QuasiIdentifiers q : byPatient.values()) {
      sizes.merge(Objects.requireNonNull(q, "quasi-identifiers"), 1, Integer::sum);
    }
    int smallest = sizes.values().stream().mapToInt(Integer::intValue).min().orElse(0);
    return new Result(smallest, sizes.size());
  }

  /** {@link #check}, refusing with {@link ErrorCode#RESEARCH_BELOW_K} a group smaller than k. */
  public static Result require(Map<String, QuasiIdentifiers> byPatient, int k) {
    Result result = check(byPatient, k);
    if (result.groups() > 0 && result.smallestGroup() < k) {
      throw new CareLedgerException(
          ErrorCode.RESEARCH_BELOW_K,
          "the export would hold a group of "
              + result.smallestGroup()
              + (result.smallestGroup() == 1 ? " patient" : " patients")
              + " sharing birth year, sex and three-digit ZIP, below the required k of "
              + k
              + "; nothing is exported (a larger cohort, or a coarser document class, may pass)");
    }
    return result;
  }

  private static void requireValidK(int k) {
    if (k < MIN_K) {
      throw new CareLedgerException(
          ErrorCode.RESEARCH_EXPORT_INVALID,
          "k-anonymity needs k of at least " + MIN_K + " (" + k + " given)");
    }
  }
}

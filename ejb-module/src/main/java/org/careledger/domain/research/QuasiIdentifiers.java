package org.careledger.domain.research;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A patient's quasi-identifiers as a research export keeps them, already generalized per Safe
 * Harbor: the birth year ({@code "YYYY"}, {@code "90+"} for a patient who is or may be 90 or older
 * at the export date, or {@code "unknown"}), the administrative gender code ({@code male}, {@code
 * female}, {@code other}, {@code unknown}) and the three-digit ZIP prefix ({@code "000"} for the
 * sparsely populated prefixes HHS lists, or {@code "unknown"}). These are exactly the values the
 * de-identified Patient resource shows, and the tuple {@link KAnonymity} groups patients by.
 *
 * <p>{@link #toString()} does not print the values: they must not reach a log line or an error
 * message.
 */
public record QuasiIdentifiers(String birthYear, String sex, String zip3) {

  private static final Pattern YEAR = Pattern.compile("[0-9]{4}|90\\+|unknown");
  private static final Pattern SEX = Pattern.compile("male|female|other|unknown");
  private static final Pattern ZIP3 = Pattern.compile("[0-9]{3}|unknown");

  /** The value of a component that is absent, or that a patient's records disagree on. */
  public static final String UNKNOWN = "unknown";

  /** The birth year of a patient aged 90 or over (Safe Harbor aggregates ages over 89). */
  public static final String AGE_90_OR_OVER = "90+";

  /** Nothing known. */
  public static final QuasiIdentifiers NONE = new QuasiIdentifiers(UNKNOWN, UNKNOWN, UNKNOWN);

  public QuasiIdentifiers {
    Objects.requireNonNull(birthYear, "birthYear");
    Objects.requireNonNull(sex, "sex");
    Objects.requireNonNull(zip3, "zip3");
    if (!YEAR.matcher(birthYear).matches()
        || !SEX.matcher(sex).matches()
        || !ZIP3.matcher(zip3).matches()) {
      throw new IllegalArgumentException("quasi-identifiers not of their generalized form");
    }
  }

  /**
   * The quasi-identifiers of one patient described by two Patient resources: per component, the
   * known value where only one is known or both agree, {@link #UNKNOWN} where they disagree (the
   * export then shows neither, so what a researcher sees is still what k-anonymity counted).
   */
  public QuasiIdentifiers merge(QuasiIdentifiers other) {
    return new QuasiIdentifiers(
        merge(birthYear, other.birthYear), merge(sex, other.sex), merge(zip3, other.zip3));
  }

  private static String merge(String a, String b) {
    if (a.equals(UNKNOWN)) {
      return b;
    }
    if (b.equals(UNKNOWN)) {
      return a;
    }
    return a.equals(b) ? a : UNKNOWN;
  }

  @Override
  public String toString() {
    return "QuasiIdentifiers[values not shown]";
  }
}

package org.careledger.benchmarks.mixed;

import java.util.Locale;

/**
 * What one operation of the mixed load does. The first four are drawn from the mix; {@link
 * #CONSENT} only runs while setting a run up (a patient's consent that a channel policy requires
 * before some grants).
 */
public enum OpKind {
  REGISTER,
  REQUEST,
  GRANT,
  RETRIEVE,
  CONSENT;

  /** The four kinds a mix draws from, in report order. */
  public static final OpKind[] DRAWN = {REGISTER, REQUEST, GRANT, RETRIEVE};

  /** The name used in options, the ops log and the report: {@code register}, … */
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static OpKind ofWire(String name) {
    for (OpKind kind : values()) {
      if (kind.wire().equals(name)) {
        return kind;
      }
    }
    throw new IllegalArgumentException("unknown operation kind '" + name + "'");
  }
}

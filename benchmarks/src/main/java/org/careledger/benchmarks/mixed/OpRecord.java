package org.careledger.benchmarks.mixed;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One operation as {@code ops.jsonl} keeps it (a line {@code {"type":"op",…}}).
 *
 * @param kind what it did
 * @param phase {@code setup}, {@code warmup} (neither counted) or {@code measured}
 * @param scheduled when the open-loop schedule wanted it to start (epoch ms)
 * @param start when it started (epoch ms); for a dropped operation, when it was given up
 * @param end when its answer was complete (epoch ms)
 * @param node the institution of the node it was sent to; null for a dropped operation
 * @param status the HTTP status; 0 where no answer came (I/O error, time-out) or none was sent
 * @param code the error code of a refusal ({@code CL-…} from the problem JSON), or {@code
 *     IO:<exception>} for a failure without an answer; null when acknowledged
 * @param txId the committed transaction the answer names (register, request, grant, consent: {@code
 *     txId}; retrieve: header {@code CareLedger-Access-Tx}), or null
 * @param acknowledged the system acknowledged it: 2xx, and for a retrieval the whole document read
 * @param dropped the generator could not start it within 1 s of its scheduled time (no free slot of
 *     the in-flight bound): it was never sent
 * @param corrupt a retrieval whose bytes do not hash to the registered document's SHA-256
 * @param recordId the record it concerned, or null
 * @param instead for a register that replaced a drawn kind whose prerequisites were missing: that
 *     kind; else null
 */
public record OpRecord(
    OpKind kind,
    String phase,
    long scheduled,
    long start,
    long end,
    String node,
    int status,
    String code,
    String txId,
    boolean acknowledged,
    boolean dropped,
    boolean corrupt,
    String recordId,
    OpKind instead) {

  public static final String SETUP = "setup";
  public static final String WARMUP = "warmup";
  public static final String MEASURED = "measured";

  public long latencyMillis() {
    return end - start;
  }

  /** The line's members (absent ones left out), for {@link OpsLog}. */
  public Map<String, Object> toMap() {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("type", "op");
    map.put("kind", kind.wire());
    map.put("phase", phase);
    map.put("sched", scheduled);
    map.put("start", start);
    map.put("end", end);
    if (node != null) {
      map.put("node", node);
    }
    map.put("status", (long) status);
    if (code != null) {
      map.put("code", code);
    }
    if (txId != null) {
      map.put("txId", txId);
    }
    map.put("ack", acknowledged);
    if (dropped) {
      map.put("dropped", true);
    }
    if (corrupt) {
      map.put("corrupt", true);
    }
    if (recordId != null) {
      map.put("recordId", recordId);
    }
    if (instead != null) {
      map.put("instead", instead.wire());
    }
    return map;
  }

  /** The operation of an {@code op} line's members. */
  public static OpRecord fromMap(Map<String, Object> map) {
    return new OpRecord(
        OpKind.ofWire((String) map.get("kind")),
        (String) map.get("phase"),
        number(map, "sched"),
        number(map, "start"),
        number(map, "end"),
        (String) map.get("node"),
        (int) number(map, "status"),
        (String) map.get("code"),
        (String) map.get("txId"),
        Boolean.TRUE.equals(map.get("ack")),
        Boolean.TRUE.equals(map.get("dropped")),
        Boolean.TRUE.equals(map.get("corrupt")),
        (String) map.get("recordId"),
        map.get("instead") == null ? null : OpKind.ofWire((String) map.get("instead")));
  }

  private static long number(Map<String, Object> map, String name) {
    Object value = map.get(name);
    if (!(value instanceof Long number)) {
      throw new IllegalArgumentException("op line without a number '" + name + "'");
    }
    return number;
  }
}

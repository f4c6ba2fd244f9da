package org.careledger.domain.research;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The ledger record of a research export: {@code research-export} transaction bodies naming the
 * export, its document class and k, the number of records and the SHA-256 of the dataset, and the
 * channel pseudonyms of the patients it was made from, so that each of them finds it in their audit
 * view. A transaction holds at most {@value #PATIENTS_PER_PART} pseudonyms (a transaction is at
 * most 64 KiB); a larger export is several parts of one export id ({@code part} 1 … {@code parts}),
 * every part carrying the same figures. An export of no patient is one part with none.
 */
public final class ResearchExportEvent {

  /** Pseudonyms per transaction: 500 × 67 bytes leaves ample room under the 64 KiB limit. */
  public static final int PATIENTS_PER_PART = 500;

  private ResearchExportEvent() {}

  /** The bodies, in part order; patients sorted, each in exactly one part. */
  public static List<Map<String, Object>> bodies(
      String exportId,
      String documentClass,
      int k,
      SortedSet<String> patients,
      int records,
      String datasetHash) {
    List<String> sorted = new ArrayList<>(new TreeSet<>(patients));
    int parts = Math.max(1, (sorted.size() + PATIENTS_PER_PART - 1) / PATIENTS_PER_PART);
    List<Map<String, Object>> bodies = new ArrayList<>();
    for (int part = 0; part < parts; part++) {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("exportId", exportId);
      body.put("documentClass", documentClass);
      body.put("k", (long) k);
      body.put(
          "patients",
          new ArrayList<>(
              sorted.subList(
                  part * PATIENTS_PER_PART,
                  Math.min(sorted.size(), (part + 1) * PATIENTS_PER_PART))));
      body.put("records", (long) records);
      body.put("datasetHash", datasetHash);
      body.put("part", (long) part + 1);
      body.put("parts", (long) parts);
      bodies.add(body);
    }
    return bodies;
  }
}

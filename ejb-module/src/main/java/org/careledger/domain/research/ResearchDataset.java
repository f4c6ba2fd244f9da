package org.careledger.domain.research;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Resource;

/**
 * Builds the de-identified dataset of a research export from the documents of consenting patients,
 * all or nothing: it either refuses (a {@link CareLedgerException}) or returns the complete
 * dataset.
 *
 * <p>The steps:
 *
 * <ol>
 *   <li>Every input whose media type is {@code application/fhir+json} (or the older {@code
 *       application/json+fhir}; parameters such as {@code charset} ignored, the content is read as
 *       UTF-8 as FHIR requires) is parsed with HAPI's JSON parser. Inputs of other media types
 *       (PDF, images, plain text, FHIR XML) cannot be de-identified element by element and are
 *       skipped; so is an input that does not parse as an R4 resource. Both count in {@code
 *       recordsSkipped}.
 *   <li>Each patient's {@link QuasiIdentifiers} are merged over the Patient resources in their
 *       parsed inputs (a patient without one has all {@code unknown}), and every parsed input is
 *       de-identified with them by {@link SafeHarborDeidentifier}. An input whose de-identification
 *       fails is skipped and counted as well; this happens before the k-anonymity check, so the
 *       check counts exactly the patients in the output.
 *   <li>{@link KAnonymity#require} over the included patients (those with at least one included
 *       record); nothing is serialized before it passes.
 *   <li>The output is one FHIR Bundle of type {@code collection}: the de-identified resources of
 *       every included input in input order (a Bundle's entries, nested Bundles flattened), each
 *       entry's {@code fullUrl} {@code urn:uuid:} + the resource's new id (so {@code Type/id}
 *       references resolve within the Bundle), or where that is taken or missing a UUID from the
 *       export key, the patient and the record's position; a resource that comes out identical from
 *       several records (typically the patient's Patient) is written once. Record ids, which
 *       providers choose and which can be identifiers, are only ever MAC inputs.
 * </ol>
 *
 * The result names its SHA-256, so the researcher and the export's audit entry can name the same
 * bytes.
 */
public final class ResearchDataset {

  /**
   * The FHIR JSON media types (the second is the one of FHIR DSTU2, still sent by some systems).
   */
  public static final Set<String> FHIR_JSON =
      Set.of("application/fhir+json", "application/json+fhir");

  /**
   * One document of a consenting patient: the channel's pseudonym of the patient (never the
   * identifier), the record id, its media type and its plain content.
   */
  public record Input(String channelPseudonym, String recordId, String mediaType, byte[] content) {

    public Input {
      content = content == null ? null : content.clone();
    }

    @Override
    public byte[] content() {
      return content == null ? null : content.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Input other
          && Objects.equals(channelPseudonym, other.channelPseudonym)
          && Objects.equals(recordId, other.recordId)
          && Objects.equals(mediaType, other.mediaType)
          && Arrays.equals(content, other.content);
    }

    @Override
    public int hashCode() {
      return Objects.hash(channelPseudonym, recordId, mediaType, Arrays.hashCode(content));
    }

    @Override
    public String toString() {
      return "Input[" + mediaType + ", " + (content == null ? 0 : content.length) + " bytes]";
    }
  }

  /**
   * The dataset: the Bundle's JSON, how many inputs went in and how many were skipped, how many
   * patients it holds, the size of its smallest quasi-identifier group, the SHA-256 of the bytes as
   * lower-case hex, and the channel pseudonyms of the patients it holds (for the ledger event that
   * tells each of them; never written into the dataset).
   */
  public record Dataset(
      byte[] bundleJson,
      int recordsIncluded,
      int recordsSkipped,
      int patients,
      int smallestGroup,
      String sha256Hex,
      java.util.SortedSet<String> includedPatients) {

    public Dataset {
      bundleJson = bundleJson.clone();
      includedPatients =
          java.util.Collections.unmodifiableSortedSet(new java.util.TreeSet<>(includedPatients));
    }

    @Override
    public byte[] bundleJson() {
      return bundleJson.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Dataset other
          && Arrays.equals(bundleJson, other.bundleJson)
          && recordsIncluded == other.recordsIncluded
          && recordsSkipped == other.recordsSkipped
          && patients == other.patients
          && smallestGroup == other.smallestGroup
          && sha256Hex.equals(other.sha256Hex)
          && includedPatients.equals(other.includedPatients);
    }

    @Override
    public int hashCode() {
      return sha256Hex.hashCode();
    }

    @Override
    public String toString() {
      return "Dataset[records="
          + recordsIncluded
          + ", skipped="
          + recordsSkipped
          + ", patients="
          + patients
          + ", smallestGroup="
          + smallestGroup
          + ", sha256="
          + sha256Hex
          + "]";
    }
  }

  private record Parsed(Input input, Resource resource) {}

  private record Deidentified(Input input, Resource resource) {}

  private ResearchDataset() {}

  /**
   * The dataset of {@code inputs}, or a refusal: {@link ErrorCode#RESEARCH_BELOW_K} when a
   * quasi-identifier group would be smaller than k, {@link ErrorCode#RESEARCH_EXPORT_INVALID} for a
   * k below 2 or a malformed request (missing inputs, keys, date or pseudonym).
   */
  public static Dataset build(List<Input> inputs, ExportKeys keys, int k, LocalDate exportDate) {
    if (inputs == null || keys == null || exportDate == null) {
      throw invalid("a research export needs its inputs, keys and export date");
    }
    if (k < KAnonymity.MIN_K) {
      KAnonymity.check(Map.of(), k); // throws RESEARCH_EXPORT_INVALID
    }
    for (Input input : inputs) {
      if (input == null || input.channelPseudonym() == null || input.channelPseudonym().isEmpty()) {
        throw invalid("every input of a research export names its patient's pseudonym");
      }
    }
    FhirContext fhir = FhirContext.forR4Cached();
    SafeHarborDeidentifier deidentifier = new SafeHarborDeidentifier(keys, exportDate);

    int skipped = 0;
    List<Parsed> parsed = new ArrayList<>();
    Map<String, QuasiIdentifiers> subjects = new LinkedHashMap<>();
    for (Input input : inputs) {
      Resource resource = isFhirJson(input.mediaType()) ? parse(fhir, input.content()) : null;
      if (resource == null) {
        skipped++;
        continue;
      }
      parsed.add(new Parsed(input, resource));
      subjects.merge(
          input.channelPseudonym(),
          deidentifier.quasiIdentifiers(resource),
          QuasiIdentifiers::merge);
    }

    List<Deidentified> done = new ArrayList<>();
    Map<String, QuasiIdentifiers> included = new LinkedHashMap<>();
    for (Parsed p : parsed) {
      String patient = p.input().channelPseudonym();
      Resource out;
      try {
        out = deidentifier.deidentify(p.resource(), patient, subjects.get(patient));
      } catch (RuntimeException e) {
        skipped++; // not of a form the model can copy; nothing of it goes out
        continue;
      }
      done.add(new Deidentified(p.input(), out));
      included.put(patient, subjects.get(patient));
    }

    KAnonymity.Result groups = KAnonymity.require(included, k);

    Bundle bundle = new Bundle();
    bundle.setType(Bundle.BundleType.COLLECTION);
    IParser parser = fhir.newJsonParser();
    Set<String> written = new HashSet<>();
    Set<String> fullUrls = new HashSet<>();
    for (Deidentified d : done) {
      List<Resource> resources = new ArrayList<>();
      flatten(d.resource(), resources);
      int position = 0;
      for (Resource r : resources) {
        String entryKey = d.input().recordId() + "/" + position++;
        if (r.hasIdElement() && !written.add(parser.encodeResourceToString(r))) {
          continue;
        }
        String fallback = keys.localId(d.input().channelPseudonym() + "/dataset-entry", entryKey);
        bundle
            .addEntry()
            .setFullUrl(SafeHarborDeidentifier.fullUrl(r, fallback, fullUrls))
            .setResource(r);
      }
    }
    byte[] json = parser.encodeResourceToString(bundle).getBytes(StandardCharsets.UTF_8);
    return new Dataset(
        json,
        done.size(),
        skipped,
        included.size(),
        groups.smallestGroup(),
        sha256Hex(json),
        new java.util.TreeSet<>(included.keySet()));
  }

  /** Whether a media type (parameters aside, any case) is FHIR JSON. */
  public static boolean isFhirJson(String mediaType) {
    if (mediaType == null) {
      return false;
    }
    int semicolon = mediaType.indexOf(';');
    String bare = (semicolon < 0 ? mediaType : mediaType.substring(0, semicolon));
    return FHIR_JSON.contains(bare.trim().toLowerCase(Locale.ROOT));
  }

  private static Resource parse(FhirContext fhir, byte[] content) {
    if (content == null) {
      return null;
    }
    try {
      IBaseResource r =
          fhir.newJsonParser().parseResource(new String(content, StandardCharsets.UTF_8));
      return r instanceof Resource resource ? resource : null;
    } catch (RuntimeException e) {
      return null; // DataFormatException and the like: not an R4 resource in JSON
    }
  }

  private static void flatten(Resource resource, List<Resource> into) {
    if (resource instanceof Bundle b) {
      for (Bundle.BundleEntryComponent e : b.getEntry()) {
        flatten(e.getResource(), into);
      }
    } else if (resource != null) {
      into.add(resource);
    }
  }

  private static String sha256Hex(byte[] bytes) {
    try {
      return java.util.HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java platform", e);
    }
  }

  private static CareLedgerException invalid(String message) {
    return new CareLedgerException(ErrorCode.RESEARCH_EXPORT_INVALID, message);
  }
}

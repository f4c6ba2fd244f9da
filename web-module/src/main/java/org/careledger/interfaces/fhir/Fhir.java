package org.careledger.interfaces.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.parser.StrictErrorHandler;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import org.careledger.domain.ErrorCode;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Resource;

/**
 * The one FHIR R4 context of the interface, and JSON in and out.
 *
 * <p>Parsing is strict ({@link StrictErrorHandler}): an element the R4 model does not know (a
 * misspelt {@code "subjet"}), an unknown code of a required binding or a malformed value is refused
 * rather than dropped, so a client never believes the ledger took something it ignored.
 */
public final class Fhir {

  /** The FHIR JSON media type. */
  public static final String MEDIA_TYPE = "application/fhir+json";

  private static final FhirContext CONTEXT = FhirContext.forR4Cached();

  private Fhir() {}

  /** The shared R4 context (thread-safe; parsers made from it are not, so make one per use). */
  public static FhirContext context() {
    return CONTEXT;
  }

  /**
   * Parses JSON into a resource of {@code type}.
   *
   * @throws FhirProblem {@code CL-1900} (structure) when the JSON does not parse as a FHIR
   *     resource, (invalid, expression {@code resourceType}) when it is another resource type
   */
  public static <T extends Resource> T parse(String json, Class<T> type) {
    if (json == null) {
      throw structure("no FHIR resource given", null);
    }
    return parse(new StringReader(json), type);
  }

  /** As {@link #parse(String, Class)}, reading UTF-8 from {@code in} (not closed here). */
  public static <T extends Resource> T parse(InputStream in, Class<T> type) {
    if (in == null) {
      throw structure("no FHIR resource given", null);
    }
    return parse(new InputStreamReader(in, StandardCharsets.UTF_8), type);
  }

  private static <T extends Resource> T parse(Reader reader, Class<T> type) {
    IParser parser = CONTEXT.newJsonParser().setParserErrorHandler(new StrictErrorHandler());
    IBaseResource parsed;
    try {
      parsed = parser.parseResource(reader);
    } catch (DataFormatException | IllegalArgumentException | IllegalStateException e) {
      throw structure("not a FHIR R4 JSON resource: " + e.getMessage(), e);
    }
    if (parsed == null) {
      throw structure("not a FHIR R4 JSON resource", null);
    }
    if (!type.isInstance(parsed)) {
      String expected = CONTEXT.getResourceType(type);
      throw new FhirProblem(
          ErrorCode.FHIR_RESOURCE_INVALID,
          IssueType.INVALID,
          "expected a " + expected + ", got a " + CONTEXT.getResourceType(parsed),
          "resourceType");
    }
    return type.cast(parsed);
  }

  /**
   * The resource as compact FHIR JSON. Versioned references ({@code DocumentReference/x/_history/2}
   * in a Provenance) keep their version.
   */
  public static String write(IBaseResource resource) {
    return CONTEXT
        .newJsonParser()
        .setPrettyPrint(false)
        .setStripVersionsFromReferences(false)
        .encodeResourceToString(resource);
  }

  private static FhirProblem structure(String diagnostics, Throwable cause) {
    return new FhirProblem(
        ErrorCode.FHIR_RESOURCE_INVALID, IssueType.STRUCTURE, diagnostics, null, cause);
  }
}

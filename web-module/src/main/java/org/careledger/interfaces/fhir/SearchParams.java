package org.careledger.interfaces.fhir;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.careledger.domain.ErrorCode;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

/**
 * FHIR search values as CareLedger queries take them. A problem's expression is the search
 * parameter's name (a query has no FHIRPath).
 */
public final class SearchParams {

  /**
   * The parameter names that carry a patient (with any modifier or chain: {@code patient}, {@code
   * subject:identifier}, {@code patient.identifier}, …).
   */
  public static final Set<String> PATIENT_PARAMETERS = Set.of("patient", "subject");

  private static final Pattern DATE_VALUE = Pattern.compile("(eq|ne|gt|lt|ge|le|sa|eb|ap)?(.+)");
  private static final Pattern DAY = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
  private static final Pattern FRACTION =
      Pattern.compile("T\\d{2}:\\d{2}:\\d{2}(?:\\.(\\d{1,9}))?");

  private SearchParams() {}

  /**
   * A registration-time range: {@code from} inclusive, {@code to} exclusive, either null for
   * unbounded.
   */
  public record Range(Instant from, Instant to) {}

  /**
   * The LOINC class of a {@code type} token: {@code http://loinc.org|11502-2} or a bare code.
   *
   * @throws FhirProblem {@code CL-1901} for another system (or the explicit no-system form {@code
   *     |code}) or several values ({@code a,b}); {@code CL-1900} for a code that is not LOINC's
   *     form
   */
  public static String documentClass(String token) {
    if (token == null || token.isEmpty()) {
      throw FhirProblem.invalid("type", "an empty type is no document class");
    }
    if (token.contains(",")) {
      throw FhirProblem.notSupported("type", "one document class per search");
    }
    String code = token;
    int bar = token.indexOf('|');
    if (bar >= 0) {
      if (!Mapping.LOINC.equals(token.substring(0, bar))) {
        throw FhirProblem.notSupported(
            "type", "document classes are LOINC codes (system " + Mapping.LOINC + ")");
      }
      code = token.substring(bar + 1);
    }
    if (!Mapping.LOINC_CODE.matcher(code).matches()) {
      throw FhirProblem.invalid("type", "a LOINC code has the form 12345-6");
    }
    return code;
  }

  /**
   * The range that every value of a {@code date} parameter allows (repeated values narrow it):
   * prefix {@code eq} (or none), {@code ge}, {@code gt}, {@code le}, {@code lt} on a day {@code
   * yyyy-MM-dd} (a UTC day) or an instant with offset ({@code 2026-11-23T10:15:00Z}), whose
   * precision is its last digit given (a second, or its fraction).
   *
   * @throws FhirProblem {@code CL-1900} for a value of another form, {@code CL-1901} for the
   *     prefixes ne, sa, eb and ap
   */
  public static Range dateRange(List<String> values) {
    Instant from = null;
    Instant to = null;
    if (values == null) {
      return new Range(null, null);
    }
    for (String value : values) {
      Matcher m = DATE_VALUE.matcher(value == null ? "" : value);
      if (!m.matches()) {
        throw FhirProblem.invalid("date", "a date is yyyy-MM-dd or an instant, with a prefix");
      }
      String prefix = m.group(1) == null ? "eq" : m.group(1);
      Instant[] interval = interval(m.group(2));
      Instant start = interval[0];
      Instant end = interval[1];
      switch (prefix) {
        case "eq" -> {
          from = later(from, start);
          to = earlier(to, end);
        }
        case "ge" -> from = later(from, start);
        case "gt" -> from = later(from, end);
        case "le" -> to = earlier(to, end);
        case "lt" -> to = earlier(to, start);
        default ->
            throw FhirProblem.notSupported(
                "date", "date prefix " + prefix + " is not supported (eq, ge, gt, le, lt are)");
      }
    }
    return new Range(from, to);
  }

  /** {@link #dateRange(List)} of one value. */
  public static Range dateRange(String value) {
    return dateRange(List.of(value));
  }

  /**
   * The CareLedger patient id of a {@code patient} token {@code system|value} (both required).
   *
   * @throws FhirProblem {@code CL-1900} otherwise
   */
  public static String patientId(String token) {
    int bar = token == null ? -1 : token.indexOf('|');
    if (bar <= 0 || bar == token.length() - 1) {
      throw FhirProblem.invalid("patient", "the patient is a token system|value, both parts given");
    }
    if (!token.matches("[\\x21-\\x7e]{1,128}")) {
      throw FhirProblem.invalid(
          "patient", "a patient id is 1-128 printable ASCII characters without spaces");
    }
    if (token.startsWith(Mapping.PSEUDONYM_SYSTEM + "|")) {
      throw FhirProblem.invalid("patient", "search by the patient's own identifier");
    }
    return token;
  }

  /**
   * Refuses a URL query string that names a patient (any of {@link #PATIENT_PARAMETERS}, with any
   * modifier or chain): proxies and access logs record URLs.
   *
   * @param query the URL's query parameters (a JAX-RS {@code MultivaluedMap} is such a map)
   * @throws FhirProblem {@code CL-1902} (security), the parameter as expression
   */
  public static void refusePatientInQuery(Map<String, ? extends List<String>> query) {
    if (query == null) {
      return;
    }
    for (String name : query.keySet()) {
      if (name == null) {
        continue;
      }
      int end = name.length();
      for (char c : new char[] {':', '.'}) {
        int at = name.indexOf(c);
        if (at >= 0 && at < end) {
          end = at;
        }
      }
      if (PATIENT_PARAMETERS.contains(name.substring(0, end))) {
        throw new FhirProblem(
            ErrorCode.FHIR_PATIENT_ID_IN_URL,
            IssueType.SECURITY,
            "a patient identifier does not go into a URL, which proxies and access logs record:"
                + " use POST …/_search with a form body, or the CareLedger-Patient-Id header",
            name);
      }
    }
  }

  /** The interval a date value covers: [start, end). */
  private static Instant[] interval(String text) {
    try {
      if (DAY.matcher(text).matches()) {
        LocalDate day = LocalDate.parse(text);
        return new Instant[] {
          day.atStartOfDay(ZoneOffset.UTC).toInstant(),
          day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant()
        };
      }
      Matcher time = FRACTION.matcher(text);
      if (text.length() > 10 && text.charAt(10) == 'T' && time.find(10) && time.start() == 10) {
        Instant start = OffsetDateTime.parse(text).toInstant();
        String fraction = time.group(1);
        Duration precision =
            fraction == null
                ? Duration.ofSeconds(1)
                : Duration.ofNanos((long) Math.pow(10, 9 - fraction.length()));
        return new Instant[] {start, start.plus(precision)};
      }
    } catch (DateTimeParseException e) {
      // answered below
    }
    throw FhirProblem.invalid(
        "date", "a date is yyyy-MM-dd or an instant with offset (2026-11-23T10:15:00Z)");
  }

  private static Instant later(Instant a, Instant b) {
    return a == null || b.isAfter(a) ? b : a;
  }

  private static Instant earlier(Instant a, Instant b) {
    return a == null || b.isBefore(a) ? b : a;
  }
}

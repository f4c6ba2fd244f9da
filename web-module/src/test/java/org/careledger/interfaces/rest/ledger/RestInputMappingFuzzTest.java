package org.careledger.interfaces.rest.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.careledger.application.SharingService.AuditEvent;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;
import org.careledger.domain.ledger.canonical.CanonicalJson;
import org.junit.jupiter.api.Test;

/**
 * Fuzzes the REST API's mapping of request input onto domain values, the part of a request that
 * runs before any service and needs no server; the SOAP endpoint reads its times through the same
 * {@link RecordResource#instant}. Each input exercises one mapping:
 *
 * <ul>
 *   <li>query times ({@link RecordResource#instant}): null when absent, else the instant or date
 *       given, or QUERY_INVALID; an instant read back from its own text is the same instant;
 *   <li>the {@code Content-Type} header ({@link RecordResource#mediaType}): never fails; the bare
 *       media type, trimmed, without parameters;
 *   <li>the percent-encoded {@code CareLedger-Title} header ({@link RecordResource#decoded}): the
 *       text, or RECORD_METADATA_INVALID;
 *   <li>JSON bodies (as JSON-P delivers them): {@link JsonValues} maps any value onto the ledger's
 *       value model or refuses with ENCODING_UNSUPPORTED_VALUE; what it maps either encodes as
 *       canonical JSON or is refused with an ENCODING_* code, decodes back to the same value, and
 *       equals what the ledger's own parser reads from the same text; {@link
 *       SharingResource#string} and {@link ChannelResource#text} give a string member or
 *       TX_MALFORMED;
 *   <li>audit CSV ({@link AuditResource#csv}): every field reads back, by RFC 4180, as the value
 *       with a leading {@code '} exactly when the value starts like a spreadsheet formula.
 * </ul>
 *
 * All of these are pure functions of the request: a refusal leaves nothing behind.
 */
class RestInputMappingFuzzTest {

  private static final Set<ErrorCode> ENCODING =
      Set.of(ErrorCode.ENCODING_UNSUPPORTED_VALUE, ErrorCode.ENCODING_LIMIT_EXCEEDED);

  /** Pieces of headers and query values, so that short inputs already combine into odd ones. */
  private static final String[] TOKENS = {
    ";",
    ",",
    " ",
    "\t",
    "=",
    "\"",
    "/",
    "+",
    "-",
    ":",
    ".",
    "%",
    "%2",
    "%ZZ",
    "%C3%A9",
    "%F0%9F",
    "text/plain",
    "Application/PDF",
    "charset=UTF-8",
    "2026-11-23",
    "T08:00:00Z",
    "T08:00Z",
    "Z",
    "+01:00",
    "+999999999",
    "0",
    "9",
    "60"
  };

  @FuzzTest
  void map(FuzzedDataProvider data) {
    switch (data.consumeInt(0, 4)) {
      case 0 -> instant(text(data));
      case 1 -> mediaType(text(data));
      case 2 -> title(text(data));
      case 3 -> body(data.consumeRemainingAsString());
      default -> csv(data);
    }
  }

  @Test
  void aContentTypeOfSemicolonsOnlyIsAnEmptyMediaType() {
    // Found by this fuzz test: split(";") of ";" has no element, which was a 500.
    assertThat(RecordResource.mediaType(";")).isEmpty();
    assertThat(RecordResource.mediaType(" ;;charset=x")).isEmpty();
  }

  /** Either a few tokens and short strings in a row, or the rest of the input as text. */
  private static String text(FuzzedDataProvider data) {
    if (data.consumeBoolean()) {
      return data.consumeRemainingAsString();
    }
    StringBuilder text = new StringBuilder();
    int pieces = data.consumeInt(1, 6);
    for (int i = 0; i < pieces; i++) {
      text.append(data.consumeBoolean() ? data.pickValue(TOKENS) : data.consumeString(6));
    }
    return text.toString();
  }

  private static void instant(String value) {
    Instant instant;
    try {
      instant = RecordResource.instant(value, "from");
    } catch (CareLedgerException e) {
      assertThat(e.errorCode()).isEqualTo(ErrorCode.QUERY_INVALID);
      return;
    }
    if (value == null || value.isEmpty()) {
      assertThat(instant).isNull();
      return;
    }
    assertThat(instant)
        .isEqualTo(
            value.length() == 10
                ? LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant()
                : Instant.parse(value));
    assertThat(RecordResource.instant(instant.toString(), "from")).isEqualTo(instant);
  }

  private static void mediaType(String contentType) {
    String type = RecordResource.mediaType(contentType);
    int semicolon = contentType.indexOf(';');
    String bare = semicolon < 0 ? contentType : contentType.substring(0, semicolon);
    assertThat(type).isEqualTo(bare.trim().toLowerCase()).doesNotContain(";");
    assertThat(RecordResource.mediaType(null)).isNull();
  }

  private static void title(String header) {
    try {
      assertThat(RecordResource.decoded(header)).isNotNull();
    } catch (CareLedgerException e) {
      assertThat(e.errorCode()).isEqualTo(ErrorCode.RECORD_METADATA_INVALID);
    }
  }

  private static void body(String text) {
    JsonValue json;
    try {
      json = Json.createReader(new StringReader(text)).readValue();
    } catch (JsonException e) {
      return; // MalformedJsonMapper answers 400 REQUEST_BODY_MALFORMED; no mapping runs
    } catch (RuntimeException e) {
      // Parsson's own failures on bodies JSON-P cannot read, such as NumberFormatException for an
      // exponent beyond int range: RESTEasy's body reading, not this mapping, answers those.
      return;
    }
    Object mapped;
    try {
      mapped = JsonValues.value(json);
    } catch (CareLedgerException e) {
      assertThat(e.errorCode()).isEqualTo(ErrorCode.ENCODING_UNSUPPORTED_VALUE);
      mapped = null;
      json = null;
    }
    if (json != null) {
      requireModel(mapped);
      byte[] canonical = null;
      try {
        canonical = CanonicalJson.encode(mapped);
      } catch (CareLedgerException e) {
        assertThat(e.errorCode()).isIn(ENCODING);
      }
      if (canonical != null) {
        assertThat(CanonicalJson.decode(canonical)).isEqualTo(mapped);
        Object parsed;
        try {
          parsed = CanonicalJson.parse(text.getBytes(StandardCharsets.UTF_8));
        } catch (CareLedgerException e) {
          parsed = e; // refuses what JSON-P takes (a repeated name, an exponent …): no comparison
        }
        if (!(parsed instanceof CareLedgerException)) {
          assertThat(mapped).isEqualTo(parsed);
        }
      }
    }
    if (json instanceof JsonObject object) {
      List<String> fields = new ArrayList<>(object.keySet());
      fields.add("absent");
      for (String field : fields) {
        JsonValue value = object.get(field);
        try {
          String string = SharingResource.string(object, field);
          assertThat(string).isEqualTo(value instanceof JsonString s ? s.getString() : null);
          assertThat(value == null || value instanceof JsonString || value == JsonValue.NULL)
              .isTrue();
        } catch (CareLedgerException e) {
          assertThat(e.errorCode()).isEqualTo(ErrorCode.TX_MALFORMED);
          assertThat(value).isNotInstanceOf(JsonString.class).isNotEqualTo(JsonValue.NULL);
        }
        try {
          assertThat(ChannelResource.text(object, field))
              .isEqualTo(((JsonString) value).getString());
        } catch (CareLedgerException e) {
          assertThat(e.errorCode()).isEqualTo(ErrorCode.TX_MALFORMED);
          assertThat(value).isNotInstanceOf(JsonString.class);
        }
      }
    }
  }

  /**
   * Only the ledger's value model: maps with string keys, lists, strings, longs, booleans, null.
   */
  private static void requireModel(Object value) {
    if (value instanceof Map<?, ?> map) {
      map.forEach(
          (k, v) -> {
            assertThat(k).isInstanceOf(String.class);
            requireModel(v);
          });
    } else if (value instanceof List<?> list) {
      list.forEach(RestInputMappingFuzzTest::requireModel);
    } else if (value != null) {
      assertThat(value).isInstanceOfAny(String.class, Long.class, Boolean.class);
    }
  }

  private static void csv(FuzzedDataProvider data) {
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      texts.add(data.consumeBoolean() ? null : data.consumeString(40));
    }
    AuditEvent event =
        new AuditEvent(
            texts.get(0),
            texts.get(1),
            texts.get(2),
            texts.get(3),
            texts.get(4),
            texts.get(5),
            texts.get(6),
            texts.get(7),
            data.consumeLong(),
            Instant.ofEpochMilli(data.consumeLong(0, 4_102_444_800_000L)));
    List<List<String>> rows = Rfc4180.parse(AuditResource.csv(List.of(event, event)));
    assertThat(rows).hasSize(3);
    List<Object> cells =
        Arrays.asList(
            event.at(),
            event.height(),
            texts.get(0),
            texts.get(1),
            texts.get(2),
            texts.get(3),
            texts.get(4),
            texts.get(5),
            texts.get(6),
            texts.get(7));
    List<String> expected = new ArrayList<>();
    for (Object cell : cells) {
      String text = cell == null ? "" : cell.toString();
      expected.add(!text.isEmpty() && "=+-@\t\r".indexOf(text.charAt(0)) >= 0 ? "'" + text : text);
    }
    assertThat(rows.get(1)).isEqualTo(expected);
    assertThat(rows.get(2)).isEqualTo(expected);
  }

  /** Just enough RFC 4180 to read back what {@link AuditResource#csv} writes. */
  static final class Rfc4180 {

    static List<List<String>> parse(String text) {
      List<List<String>> rows = new ArrayList<>();
      List<String> row = new ArrayList<>();
      StringBuilder field = new StringBuilder();
      int i = 0;
      boolean quoted = false;
      while (i < text.length()) {
        char c = text.charAt(i);
        if (quoted) {
          if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
            field.append('"');
            i += 2;
            continue;
          }
          if (c == '"') {
            quoted = false;
          } else {
            field.append(c);
          }
        } else if (c == '"' && field.isEmpty()) {
          quoted = true;
        } else if (c == ',') {
          row.add(field.toString());
          field.setLength(0);
        } else if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
          row.add(field.toString());
          field.setLength(0);
          rows.add(row);
          row = new ArrayList<>();
          i += 2;
          continue;
        } else {
          assertThat(c).as("an unquoted field holds no quote, CR or LF").isNotIn('"', '\r', '\n');
          field.append(c);
        }
        i++;
      }
      assertThat(quoted).as("a quoted field is closed").isFalse();
      assertThat(row).isEmpty();
      assertThat(field.toString()).isEmpty();
      return rows;
    }
  }
}

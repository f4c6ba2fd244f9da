package org.careledger.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The SOAP interface on a running node, spoken as a legacy HIS would, in raw SOAP 1.1 over HTTP:
 * the WSDL is public, calls need a role, a document registered over SOAP is found and read back,
 * bad input is a SOAP fault carrying the REST API's error code, and XML with a DOCTYPE (external
 * entities, entity expansion) is refused without reading it.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SoapIT {

  private static final int OFFSET = Integer.getInteger("it.arquillian.offset");
  private static final String BASE = "http://127.0.0.1:" + (8080 + OFFSET) + "/careledger";
  private static final String SOAP = BASE + "/soap/v1";
  private static final String CHANNEL = "ch-soap";
  private static final String PASSWORD = ManagementCli.randomPassword();
  private static final HttpClient CLIENT = HttpClient.newHttpClient();

  @Deployment(testable = false)
  static EnterpriseArchive ear() {
    return Deployments.careledgerEar();
  }

  @Test
  @Order(1)
  void theWsdlIsPublicAndNamesEveryOperationAndTheFault() throws Exception {
    HttpResponse<String> wsdl = Http.get(SOAP + "?wsdl");

    assertThat(wsdl.statusCode()).isEqualTo(200);
    for (String operation :
        new String[] {
          "registerRecord",
          "amendRecord",
          "findRecords",
          "requestAccess",
          "listRequests",
          "grantAccess",
          "denyAccess",
          "revokeGrant",
          "retrieveRecord",
          "breakGlass",
          "listAccesses",
          "eraseRecord",
          "recordConsent",
          "auditEvents",
          "myRecords",
          "myAudit",
          "myConsent",
          "CareLedgerFault"
        }) {
      assertThat(wsdl.body()).contains("\"" + operation + "\"");
    }
  }

  @Test
  @Order(2)
  void aCallWithoutCredentialsOrWithoutTheRoleIsRefused() throws Exception {
    ManagementCli.addIdentity("it-his", PASSWORD, "his-system", "admin");
    ManagementCli.addIdentity("it-reader", PASSWORD, "auditor");

    HttpResponse<String> anonymous =
        CLIENT.send(
            HttpRequest.newBuilder(URI.create(SOAP))
                .header("Content-Type", "text/xml; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(envelope("<c:listRequests/>")))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(anonymous.statusCode()).isEqualTo(401);

    HttpResponse<String> auditor =
        call("it-reader", "<c:requestAccess><c:channel>x</c:channel></c:requestAccess>");
    assertFault(auditor, "CL-1719");
  }

  @Test
  @Order(3)
  void aDocumentRegisteredOverSoapIsFoundAndReadBack() throws Exception {
    HttpResponse<String> channel =
        CLIENT.send(
            HttpRequest.newBuilder(URI.create(BASE + "/api/v1/channels"))
                .header("Authorization", basic("it-his"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"channel\":\"" + CHANNEL + "\"}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(channel.statusCode()).as(channel.body()).isEqualTo(201);
    byte[] document =
        "HL7 CDA document body, as an HIS would send it".getBytes(StandardCharsets.UTF_8);

    HttpResponse<String> registered =
        call(
            "it-his",
            "<c:registerRecord><c:channel>"
                + CHANNEL
                + "</c:channel><c:recordId>soap-1</c:recordId><c:documentClass>11502-2"
                + "</c:documentClass><c:mediaType>application/pdf</c:mediaType>"
                + "<c:patientId>urn:oid:1.2.3|4711</c:patientId><c:title>Lab report</c:title>"
                + "<c:document>"
                + Base64.getEncoder().encodeToString(document)
                + "</c:document></c:registerRecord>");
    assertThat(registered.statusCode()).as(registered.body()).isEqualTo(200);
    assertThat(registered.body())
        .contains("<recordId>soap-1</recordId>")
        .containsPattern("<txId>[0-9a-f]{64}</txId>");

    HttpResponse<String> found =
        call(
            "it-his",
            "<c:findRecords><c:channel>"
                + CHANNEL
                + "</c:channel><c:patientId>urn:oid:1.2.3|4711</c:patientId></c:findRecords>");
    assertThat(found.statusCode()).as(found.body()).isEqualTo(200);
    assertThat(found.body())
        .contains("<recordId>soap-1</recordId>")
        .contains("<title>Lab report</title>");
    assertThat(found.body()).doesNotContain("4711");

    HttpResponse<byte[]> read =
        CLIENT.send(
            soap(
                "it-his",
                "<c:retrieveRecord><c:channel>"
                    + CHANNEL
                    + "</c:channel><c:recordId>soap-1</c:recordId></c:retrieveRecord>"),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(read.statusCode()).isEqualTo(200);
    String body = new String(read.body(), StandardCharsets.ISO_8859_1);
    // The content comes as an MTOM attachment (raw bytes in its MIME part) or inline base64.
    assertThat(
            body.contains(new String(document, StandardCharsets.ISO_8859_1))
                || body.contains(Base64.getEncoder().encodeToString(document)))
        .as(body)
        .isTrue();
    assertThat(body).containsPattern("<accessTx>[0-9a-f]{64}</accessTx>");
  }

  @Test
  @Order(4)
  void badInputIsASoapFaultWithTheSameCodeAsRest() throws Exception {
    assertFault(
        call(
            "it-his",
            "<c:requestAccess><c:channel>"
                + CHANNEL
                + "</c:channel><c:recordId>soap-1</c:recordId><c:purpose>CURIOSITY</c:purpose>"
                + "</c:requestAccess>"),
        "CL-1715");
    assertFault(
        call(
            "it-his",
            "<c:findRecords><c:channel>"
                + CHANNEL
                + "</c:channel><c:from>yesterday</c:from></c:findRecords>"),
        "CL-1704");
    assertFault(
        call("it-his", "<c:findRecords><c:channel>none</c:channel></c:findRecords>"), "CL-1170");
    // Malformed XML never reaches an operation: a client fault with the REST code for a body that
    // cannot be read, and nothing is registered.
    HttpResponse<String> malformed =
        raw(
            "it-his",
            envelope(
                    "<c:registerRecord><c:channel>"
                        + CHANNEL
                        + "</c:channel><c:recordId>soap-broken</c:recordId>")
                .replace("</soapenv:Body>", ""));
    assertFault(malformed, "CL-1800");
    assertThat(malformed.body()).contains("Client").doesNotContain("at org.");
    HttpResponse<String> found =
        call(
            "it-his",
            "<c:listAccesses><c:channel>"
                + CHANNEL
                + "</c:channel><c:recordId>soap-broken</c:recordId></c:listAccesses>");
    assertFault(found, "CL-1172");
  }

  @Test
  @Order(5)
  void xmlWithADoctypeIsRefusedAndNoEntityIsRead() throws Exception {
    Path secret = Files.createTempFile("careledger-xxe", ".txt");
    Files.writeString(secret, "XXE-CANARY-5d41402abc4b2a76");
    try {
      String external =
          "<?xml version=\"1.0\"?><!DOCTYPE e [<!ENTITY x SYSTEM \"file://"
              + secret
              + "\">]>"
              + envelope("<c:findRecords><c:channel>&x;</c:channel></c:findRecords>");
      HttpResponse<String> response = raw("it-his", external);
      assertFault(response, "CL-1800");
      assertThat(response.body()).doesNotContain("XXE-CANARY");

      StringBuilder laughs =
          new StringBuilder("<?xml version=\"1.0\"?><!DOCTYPE e [<!ENTITY l0 \"lol\">");
      for (int i = 1; i < 10; i++) {
        laughs.append("<!ENTITY l").append(i).append(" \"");
        laughs.append(("&l" + (i - 1) + ";").repeat(10)).append("\">");
      }
      laughs
          .append("]>")
          .append(envelope("<c:findRecords><c:channel>&l9;</c:channel></c:findRecords>"));
      HttpResponse<String> expansion = raw("it-his", laughs.toString());
      assertFault(expansion, "CL-1800");
      assertThat(expansion.body()).doesNotContain("lollol");
    } finally {
      Files.deleteIfExists(secret);
    }
  }

  @Test
  @Order(6)
  void aPatientSeesTheirOwnRecordsAndTrailAndAnAuditorQueriesTheChannel() throws Exception {
    ManagementCli.addIdentity("it-patient", PASSWORD, "patient");
    ManagementCli.run(
        "/subsystem=elytron/filesystem-realm=careledger-users:add-identity-attribute("
            + "identity=it-patient, name=patient-id, value=[\"urn:oid:1.2.3|4711\"])");

    HttpResponse<String> records =
        call("it-patient", "<c:myRecords><c:channel>" + CHANNEL + "</c:channel></c:myRecords>");
    HttpResponse<String> trail =
        call("it-patient", "<c:myAudit><c:channel>" + CHANNEL + "</c:channel></c:myAudit>");
    HttpResponse<String> notAPatient =
        call("it-his", "<c:myAudit><c:channel>" + CHANNEL + "</c:channel></c:myAudit>");
    HttpResponse<String> audit =
        call(
            "it-reader",
            "<c:auditEvents><c:channel>"
                + CHANNEL
                + "</c:channel><c:recordId>soap-1</c:recordId></c:auditEvents>");
    HttpResponse<String> patientAsAuditor =
        call("it-patient", "<c:auditEvents><c:channel>" + CHANNEL + "</c:channel></c:auditEvents>");

    assertThat(records.statusCode()).as(records.body()).isEqualTo(200);
    assertThat(records.body()).contains("<recordId>soap-1</recordId>").doesNotContain("4711");
    assertThat(trail.statusCode()).as(trail.body()).isEqualTo(200);
    assertThat(trail.body())
        .contains("<kind>register</kind>")
        .contains("<kind>access-logged</kind>");
    assertFault(notAPatient, "CL-1719");
    assertThat(audit.statusCode()).as(audit.body()).isEqualTo(200);
    assertThat(audit.body())
        .contains("<kind>register</kind>")
        .contains("<recordId>soap-1</recordId>");
    assertFault(patientAsAuditor, "CL-1719");
  }

  @Test
  @Order(7)
  void aRecordAmendedOverSoapReadsAsItsNewVersionAndRefusalsAreFaultsWithTheRestCodes()
      throws Exception {
    byte[] corrected =
        "HL7 CDA document body, corrected by the HIS".getBytes(StandardCharsets.UTF_8);

    HttpResponse<String> amended = call("it-his", amendRecord("soap-1", 1, corrected));

    assertThat(amended.statusCode()).as(amended.body()).isEqualTo(200);
    assertThat(amended.body())
        .contains("<version>2</version>")
        .contains("<previousVersion>1</previousVersion>")
        .containsPattern("<txId>[0-9a-f]{64}</txId>");
    HttpResponse<byte[]> read =
        CLIENT.send(
            soap(
                "it-his",
                "<c:retrieveRecord><c:channel>"
                    + CHANNEL
                    + "</c:channel><c:recordId>soap-1</c:recordId></c:retrieveRecord>"),
            HttpResponse.BodyHandlers.ofByteArray());
    String body = new String(read.body(), StandardCharsets.ISO_8859_1);
    assertThat(
            body.contains(new String(corrected, StandardCharsets.ISO_8859_1))
                || body.contains(Base64.getEncoder().encodeToString(corrected)))
        .as(body)
        .isTrue();
    assertFault(call("it-his", amendRecord("soap-1", 1, corrected)), "CL-1722");
    assertFault(call("it-his", amendRecord("soap-none", 0, corrected)), "CL-1172");
    assertFault(call("it-reader", amendRecord("soap-1", 2, corrected)), "CL-1719");
  }

  private static String amendRecord(String recordId, long previousVersion, byte[] document) {
    return "<c:amendRecord><c:channel>"
        + CHANNEL
        + "</c:channel><c:recordId>"
        + recordId
        + "</c:recordId><c:mediaType>application/pdf</c:mediaType>"
        + "<c:title>Lab report (corrected)</c:title>"
        + "<c:previousVersion>"
        + previousVersion
        + "</c:previousVersion><c:document>"
        + Base64.getEncoder().encodeToString(document)
        + "</c:document></c:amendRecord>";
  }

  // ------------------------------------------------------------------------------------------

  private static void assertFault(HttpResponse<String> response, String code) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(500);
    assertThat(response.body()).contains("Fault").contains("<code>" + code + "</code>");
  }

  private static String envelope(String body) {
    return "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\""
        + " xmlns:c=\"urn:careledger:soap:v1\"><soapenv:Body>"
        + body
        + "</soapenv:Body></soapenv:Envelope>";
  }

  private static HttpResponse<String> call(String user, String body) throws Exception {
    return CLIENT.send(soap(user, body), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> raw(String user, String xml) throws Exception {
    return CLIENT.send(
        HttpRequest.newBuilder(URI.create(SOAP))
            .header("Authorization", basic(user))
            .header("Content-Type", "text/xml; charset=utf-8")
            .header("SOAPAction", "\"\"")
            .POST(HttpRequest.BodyPublishers.ofString(xml))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpRequest soap(String user, String body) {
    return HttpRequest.newBuilder(URI.create(SOAP))
        .header("Authorization", basic(user))
        .header("Content-Type", "text/xml; charset=utf-8")
        .header("SOAPAction", "\"\"")
        .POST(HttpRequest.BodyPublishers.ofString(envelope(body)))
        .build();
  }

  private static String basic(String user) {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString((user + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
  }
}

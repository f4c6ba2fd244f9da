package org.careledger.domain.research;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.validation.SingleValidationMessage;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.careledger.domain.CareLedgerException;
import org.careledger.domain.ErrorCode;
import org.careledger.domain.research.ResearchDataset.Dataset;
import org.careledger.domain.research.ResearchDataset.Input;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ResearchDatasetTest {

  private static final LocalDate EXPORT_DATE = LocalDate.of(2025, 6, 1);
  private static final String FHIR = "application/fhir+json";

  private final ExportKeys keys = ExportKeys.of(ExportKeysTest.secret(3));

  @BeforeAll
  static void startValidator() {
    FhirValidation.validator();
  }

  private static Input fhir(String patient, String recordId, Resource resource) {
    return new Input(patient, recordId, FHIR, Fixtures.bytes(resource));
  }

  /** A second patient in the planted patient's group (1961, female, 021). */
  private static Input twin() {
    Bundle b = new Bundle().setType(Bundle.BundleType.COLLECTION);
    b.addEntry()
        .setFullUrl("Patient/twin")
        .setResource(Fixtures.patient("twin", AdministrativeGender.FEMALE, "1961-01-30", "02115"));
    b.addEntry()
        .setFullUrl("Observation/twin-hr")
        .setResource(Fixtures.heartRate("twin-hr", "twin", "2022-05-06T07:08:09+02:00", 64));
    return fhir("channel-twin", "record-twin-0042", b);
  }

  private static Bundle bundle(Dataset d) {
    return (Bundle) Fixtures.parse(new String(d.bundleJson(), StandardCharsets.UTF_8));
  }

  private static List<Resource> resources(Dataset d, String patientPseudonym) {
    Bundle b = bundle(d);
    return b.getEntry().stream().map(Bundle.BundleEntryComponent::getResource).toList();
  }

  @Test
  void theDatasetValidatesAndHoldsNoIdentifier() {
    Dataset d =
        ResearchDataset.build(
            List.of(
                fhir("channel-planted", "record-PLANTED-9931", Fixtures.plantedBundle()), twin()),
            keys,
            2,
            EXPORT_DATE);
    String json = new String(d.bundleJson(), StandardCharsets.UTF_8);

    List<SingleValidationMessage> errors = FhirValidation.errors(json);
    assertThat(errors)
        .as(
            "validation errors:\n%s",
            errors.stream()
                .map(m -> m.getLocationString() + ": " + m.getMessage())
                .collect(Collectors.joining("\n")))
        .isEmpty();
    assertThat(FhirValidation.messages(json))
        .as("references between entries resolve by the Bundle resolution rules")
        .noneMatch(m -> m.getMessage().contains("Bundle resolution rules"))
        .noneMatch(m -> m.getMessage().contains("resolve"));
    for (String marker : Fixtures.MARKERS) {
      assertThat(json).as("marker %s", marker).doesNotContainIgnoringCase(marker);
    }
    assertThat(json)
        .doesNotContain("record-PLANTED-9931", "record-twin-0042", "twin-hr", "\"twin\"");
    assertThat(json).doesNotContain("channel-planted", "channel-twin");
    assertThat(d.recordsIncluded()).isEqualTo(2);
    assertThat(d.recordsSkipped()).isZero();
    assertThat(d.patients()).isEqualTo(2);
    assertThat(d.smallestGroup()).isEqualTo(2);
    assertThat(d.sha256Hex()).isEqualTo(HexFormat.of().formatHex(sha256(d.bundleJson())));
    assertThat(bundle(d).getType()).isEqualTo(Bundle.BundleType.COLLECTION);
  }

  @Test
  void anInvalidatingChangeIsCaughtByTheValidator() {
    // the validator check above is only worth something if it finds errors where there are some
    Observation broken = Fixtures.heartRate("x", "y", "2020-01-01", 1);
    broken.setStatus(null);
    assertThat(FhirValidation.errors(Fixtures.json(broken))).isNotEmpty();
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void aGroupBelowKIsRefusedBeforeAnythingIsProduced() {
    List<Input> inputs = new ArrayList<>();
    inputs.add(fhir("channel-planted", "r1", Fixtures.plantedBundle()));
    inputs.add(twin());
    inputs.add(
        fhir(
            "channel-lonely",
            "r3",
            Fixtures.patient("l", AdministrativeGender.MALE, "1977-03-04", "94110")));

    assertThatThrownBy(() -> ResearchDataset.build(inputs, keys, 2, EXPORT_DATE))
        .isInstanceOfSatisfying(
            CareLedgerException.class,
            e -> {
              assertThat(e.errorCode()).isEqualTo(ErrorCode.RESEARCH_BELOW_K);
              assertThat(e.getMessage())
                  .contains("group of 1 patient")
                  .doesNotContain("1977", "941", "male");
            });

    inputs.add(
        fhir(
            "channel-lonely-2",
            "r4",
            Fixtures.patient("m", AdministrativeGender.MALE, "1977-11-30", "94107")));
    Dataset d = ResearchDataset.build(inputs, keys, 2, EXPORT_DATE);
    assertThat(d.patients()).isEqualTo(4);
    assertThat(d.smallestGroup()).isEqualTo(2);
    assertThatThrownBy(() -> ResearchDataset.build(inputs, keys, 3, EXPORT_DATE))
        .isInstanceOfSatisfying(
            CareLedgerException.class,
            e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.RESEARCH_BELOW_K));
  }

  @Test
  void kBelowTwoIsRefused() {
    assertThatThrownBy(() -> ResearchDataset.build(List.of(twin()), keys, 1, EXPORT_DATE))
        .isInstanceOfSatisfying(
            CareLedgerException.class,
            e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.RESEARCH_EXPORT_INVALID));
  }

  @Test
  void inputsThatCannotBeDeidentifiedAreSkippedAndCounted() {
    Patient a = Fixtures.patient("a", AdministrativeGender.MALE, "1980-01-01", "94110");
    Patient b = Fixtures.patient("b", AdministrativeGender.MALE, "1980-05-05", "94117");
    List<Input> inputs =
        List.of(
            new Input("pa", "r1", "application/fhir+json; charset=UTF-8", Fixtures.bytes(a)),
            new Input("pb", "r2", "Application/JSON+FHIR", Fixtures.bytes(b)),
            new Input(
                "pa",
                "r3",
                "application/pdf",
                "%PDF-1.7 Zebulonfamily".getBytes(StandardCharsets.US_ASCII)),
            new Input("pa", "r4", "image/jpeg", new byte[] {(byte) 0xFF, (byte) 0xD8}),
            new Input(
                "pb", "r5", "text/plain", "Zebulonfamily".getBytes(StandardCharsets.US_ASCII)),
            new Input(
                "pb",
                "r6",
                "application/fhir+xml",
                "<Patient xmlns=\"http://hl7.org/fhir\"/>".getBytes(StandardCharsets.US_ASCII)),
            new Input(
                "pa",
                "r7",
                FHIR,
                "{\"resourceType\":\"Patient\",".getBytes(StandardCharsets.US_ASCII)),
            new Input(
                "pa",
                "r8",
                FHIR,
                "{\"name\":\"Zebulonfamily\"}".getBytes(StandardCharsets.US_ASCII)),
            new Input(
                "pb",
                "r9",
                FHIR,
                "{\"resourceType\":\"NoSuchType\"}".getBytes(StandardCharsets.US_ASCII)),
            new Input("pb", "r10", FHIR, new byte[0]),
            new Input("pc", "r11", "application/pdf", new byte[] {1}));

    Dataset d = ResearchDataset.build(inputs, keys, 2, EXPORT_DATE);

    assertThat(d.recordsIncluded()).isEqualTo(2);
    assertThat(d.recordsSkipped()).isEqualTo(9);
    assertThat(d.patients()).as("pc has nothing included").isEqualTo(2);
    assertThat(new String(d.bundleJson(), StandardCharsets.UTF_8)).doesNotContain("Zebulonfamily");
    assertThat(bundle(d).getEntry()).hasSize(2);
  }

  @Test
  void onePatientsDatesMoveTogetherAcrossRecords() {
    Patient p = Fixtures.patient("p", AdministrativeGender.FEMALE, "1990-02-02", "94110");
    Patient q = Fixtures.patient("q", AdministrativeGender.FEMALE, "1990-07-07", "94110");
    List<Input> inputs =
        List.of(
            fhir("pp", "r1", p),
            fhir("pp", "r2", Fixtures.heartRate("o1", "p", "2021-01-10T10:00:00Z", 60)),
            fhir("pp", "r3", Fixtures.heartRate("o2", "p", "2021-03-01T10:00:00Z", 70)),
            fhir("pq", "r4", q),
            fhir("pq", "r5", Fixtures.heartRate("o1", "q", "2021-01-10T10:00:00Z", 80)));

    Dataset d = ResearchDataset.build(inputs, keys, 2, EXPORT_DATE);
    Map<Integer, String> byValue =
        bundle(d).getEntry().stream()
            .map(Bundle.BundleEntryComponent::getResource)
            .filter(Observation.class::isInstance)
            .map(Observation.class::cast)
            .collect(
                Collectors.toMap(
                    o -> o.getValueQuantity().getValue().intValue(),
                    o -> o.getEffectiveDateTimeType().getValueAsString()));
    Map<Integer, String> subjects =
        bundle(d).getEntry().stream()
            .map(Bundle.BundleEntryComponent::getResource)
            .filter(Observation.class::isInstance)
            .map(Observation.class::cast)
            .collect(
                Collectors.toMap(
                    o -> o.getValueQuantity().getValue().intValue(),
                    o -> o.getSubject().getReference()));
    List<Patient> patients =
        bundle(d).getEntry().stream()
            .map(Bundle.BundleEntryComponent::getResource)
            .filter(Patient.class::isInstance)
            .map(Patient.class::cast)
            .toList();

    int pShift = keys.dateShiftDays("pp");
    int qShift = keys.dateShiftDays("pq");
    assertThat(pShift).isNotEqualTo(qShift); // true for this secret; not a property of all secrets
    assertThat(byValue.get(60))
        .isEqualTo(LocalDate.of(2021, 1, 10).plusDays(pShift) + "T10:00:00Z");
    assertThat(byValue.get(70)).isEqualTo(LocalDate.of(2021, 3, 1).plusDays(pShift) + "T10:00:00Z");
    assertThat(byValue.get(80))
        .isEqualTo(LocalDate.of(2021, 1, 10).plusDays(qShift) + "T10:00:00Z");
    assertThat(
            java.time.temporal.ChronoUnit.DAYS.between(
                LocalDate.parse(byValue.get(60).substring(0, 10)),
                LocalDate.parse(byValue.get(70).substring(0, 10))))
        .as("the interval between one patient's records is kept")
        .isEqualTo(50);
    assertThat(patients).hasSize(2);
    assertThat(subjects.get(60)).isEqualTo(subjects.get(70)).isNotEqualTo(subjects.get(80));
    // HAPI's parser gives an entry's resource the id of its urn:uuid fullUrl, the same UUID
    assertThat(patients.stream().map(x -> "Patient/" + x.getIdPart().replace("urn:uuid:", "")))
        .containsExactlyInAnyOrder(subjects.get(60), subjects.get(80));
    assertThat(patients.stream().map(x -> x.getIdentifierFirstRep().getValue()))
        .containsExactlyInAnyOrder(keys.pseudonym("pp"), keys.pseudonym("pq"));
  }

  @Test
  void theSameExportIsReproducibleAndAnotherSecretUnlinkable() {
    List<Input> inputs = List.of(fhir("channel-planted", "r1", Fixtures.plantedBundle()), twin());
    Dataset a = ResearchDataset.build(inputs, keys, 2, EXPORT_DATE);
    Dataset b =
        ResearchDataset.build(inputs, ExportKeys.of(ExportKeysTest.secret(3)), 2, EXPORT_DATE);
    Dataset c =
        ResearchDataset.build(inputs, ExportKeys.of(ExportKeysTest.secret(4)), 2, EXPORT_DATE);

    assertThat(b.sha256Hex()).isEqualTo(a.sha256Hex());
    assertThat(c.sha256Hex()).isNotEqualTo(a.sha256Hex());
    List<String> idsA = ids(a);
    List<String> idsC = ids(c);
    assertThat(idsA).doesNotContainAnyElementsOf(idsC);
    assertThat(new String(c.bundleJson(), StandardCharsets.UTF_8))
        .doesNotContain(keys.pseudonym("channel-planted"));
  }

  private static List<String> ids(Dataset d) {
    return bundle(d).getEntry().stream()
        .map(e -> e.getResource().getIdPart())
        .filter(java.util.Objects::nonNull)
        .toList();
  }

  @Test
  void aPatientWithoutAPatientResourceIsUnknownInEveryQuasiIdentifier() {
    List<Input> inputs =
        List.of(
            fhir("pa", "r1", Fixtures.heartRate("o", "a", "2020-02-02T02:02:02Z", 50)),
            fhir("pb", "r2", Fixtures.heartRate("o", "b", "2020-02-02T02:02:02Z", 51)));
    Dataset d = ResearchDataset.build(inputs, keys, 2, EXPORT_DATE);
    assertThat(d.patients()).isEqualTo(2);
    assertThat(d.smallestGroup()).isEqualTo(2);
    assertThatThrownBy(
            () ->
                ResearchDataset.build(
                    List.of(
                        inputs.get(0),
                        inputs.get(1),
                        fhir(
                            "pc",
                            "r3",
                            Fixtures.patient("c", AdministrativeGender.MALE, "1980", "94110"))),
                    keys,
                    2,
                    EXPORT_DATE))
        .isInstanceOf(CareLedgerException.class);
  }

  @Test
  void aPatientInSeveralRecordsIsWrittenOnceAndInputsAreNotModified() {
    Patient p = Fixtures.patient("p", AdministrativeGender.FEMALE, "1990-02-02", "94110");
    Patient q = Fixtures.patient("q", AdministrativeGender.FEMALE, "1990-07-07", "94110");
    byte[] content = Fixtures.bytes(p);
    List<Input> inputs =
        List.of(
            new Input("pp", "r1", FHIR, content),
            new Input("pp", "r2", FHIR, content),
            fhir("pq", "r3", q));
    Dataset d = ResearchDataset.build(inputs, keys, 2, EXPORT_DATE);
    assertThat(d.recordsIncluded()).isEqualTo(3);
    assertThat(bundle(d).getEntry()).hasSize(2);
    assertThat(inputs.get(0).content()).isEqualTo(Fixtures.bytes(p));
  }
}

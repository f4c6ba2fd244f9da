package org.careledger.domain.research;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.Age;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.Timing;
import org.junit.jupiter.api.Test;

class SafeHarborDeidentifierTest {

  private static final LocalDate EXPORT_DATE = LocalDate.of(2025, 6, 1);
  private static final String CHANNEL_PSEUDONYM = "c0ffee00channelpseudonym";

  private final ExportKeys keys = ExportKeys.of(ExportKeysTest.secret(7));
  private final SafeHarborDeidentifier deidentifier = new SafeHarborDeidentifier(keys, EXPORT_DATE);

  private Bundle deidentifiedPlanted() {
    return (Bundle) deidentifier.deidentify(Fixtures.plantedBundle(), CHANNEL_PSEUDONYM);
  }

  private static Map<String, Resource> byType(Bundle b) {
    return b.getEntry().stream()
        .map(Bundle.BundleEntryComponent::getResource)
        .filter(
            r ->
                !(r instanceof Observation o)
                    || o.getCode().getCodingFirstRep().getCode().equals("8867-4"))
        .collect(Collectors.toMap(Resource::fhirType, Function.identity()));
  }

  private static String shift(String isoDateTime, int days) {
    return LocalDate.parse(isoDateTime.substring(0, 10)).plusDays(days) + isoDateTime.substring(10);
  }

  @Test
  void noneOfTheEighteenIdentifierKindsSurvives() {
    String out = Fixtures.json(deidentifiedPlanted());

    for (String marker : Fixtures.MARKERS) {
      assertThat(out).as("marker %s", marker).doesNotContainIgnoringCase(marker);
    }
    assertThat(out)
        .doesNotContain("\"extension\"", "\"text\"", "\"display\":\"" + Fixtures.FAMILY, "\"meta\"")
        .doesNotContain("\"identifier\":[{\"system\":\"http://hl7.org/fhir/sid/us-ssn\"")
        .doesNotContain("\"request\"", "\"telecom\"", "\"photo\"", "\"note\"", "\"presentedForm\"")
        .doesNotContain("\"udiCarrier\"", "\"serialNumber\"", "\"lotNumber\"", "\"subscriberId\"");
  }

  @Test
  void thePatientKeepsBirthYearGenderStateZip3AndThePseudonymOnly() {
    Patient p = (Patient) byType(deidentifiedPlanted()).get("Patient");

    assertThat(p.getBirthDateElement().getValueAsString()).isEqualTo("1961");
    assertThat(p.getGender()).isEqualTo(AdministrativeGender.FEMALE);
    assertThat(p.getAddress()).hasSize(1);
    assertThat(p.getAddressFirstRep().getPostalCode()).isEqualTo("021");
    assertThat(p.getAddressFirstRep().getState()).isEqualTo("MA");
    assertThat(p.getAddressFirstRep().getCountry()).isEqualTo("US");
    assertThat(p.getAddressFirstRep().hasLine() || p.getAddressFirstRep().hasCity()).isFalse();
    assertThat(p.getAddressFirstRep().hasDistrict() || p.getAddressFirstRep().hasText()).isFalse();
    assertThat(p.getIdentifier()).hasSize(1);
    assertThat(p.getIdentifierFirstRep().getSystem()).isEqualTo(ExportKeys.PSEUDONYM_SYSTEM);
    assertThat(p.getIdentifierFirstRep().getValue()).isEqualTo(keys.pseudonym(CHANNEL_PSEUDONYM));
    assertThat(p.hasName() || p.hasTelecom() || p.hasPhoto() || p.hasContact()).isFalse();
    assertThat(p.hasGeneralPractitioner() || p.hasManagingOrganization()).isFalse();
    assertThat(p.hasExtension() || p.hasMeta() || p.hasText()).isFalse();
    assertThat(p.getDeceasedDateTimeType().getValueAsString())
        .isEqualTo(shift(Fixtures.DEATH, keys.dateShiftDays(CHANNEL_PSEUDONYM)));
  }

  @Test
  void clinicalCodesAndQuantitiesSurvive() {
    Map<String, Resource> out = byType(deidentifiedPlanted());
    Observation hr = (Observation) out.get("Observation");
    assertThat(hr.getCode().getCodingFirstRep().getSystem()).isEqualTo(Fixtures.LOINC);
    assertThat(hr.getCode().getCodingFirstRep().getCode()).isEqualTo("8867-4");
    assertThat(hr.getCode().getCodingFirstRep().getDisplay()).isEqualTo("Heart rate");
    assertThat(hr.getCode().hasText()).isFalse();
    Quantity q = hr.getValueQuantity();
    assertThat(q.getValue()).isEqualByComparingTo("72");
    assertThat(q.getUnit()).isEqualTo("beats/minute");
    assertThat(q.getSystem()).isEqualTo(Fixtures.UCUM);
    assertThat(q.getCode()).isEqualTo("/min");
    assertThat(hr.getStatus()).isEqualTo(Observation.ObservationStatus.FINAL);

    Condition c = (Condition) out.get("Condition");
    assertThat(c.getCode().getCodingFirstRep().getSystem()).isEqualTo(Fixtures.SNOMED);
    assertThat(c.getCode().getCodingFirstRep().getCode()).isEqualTo("44054006");
    assertThat(c.getClinicalStatus().getCodingFirstRep().getCode()).isEqualTo("active");
  }

  @Test
  void referencesAreRewrittenConsistentlyAndDisplaysDropped() {
    Bundle out = deidentifiedPlanted();
    Map<String, Resource> byType = byType(out);
    Patient p = (Patient) byType.get("Patient");
    Observation hr = (Observation) byType.get("Observation");
    Encounter enc = (Encounter) byType.get("Encounter");

    assertThat(p.getIdPart()).isNotEqualTo("pat-1").matches("[A-Za-z0-9\\-.]{1,64}");
    assertThat(hr.getSubject().getReference()).isEqualTo("Patient/" + p.getIdPart());
    assertThat(hr.getSubject().hasDisplay()).isFalse();
    assertThat(hr.getEncounter().getReference()).isEqualTo("Encounter/" + enc.getIdPart());
    assertThat(enc.getSubject().getReference()).isEqualTo("Patient/" + p.getIdPart());
    assertThat(out.getEntry())
        .allSatisfy(e -> assertThat(e.getFullUrl()).matches("urn:uuid:[0-9a-f\\-]{36}"))
        .allSatisfy(e -> assertThat(e.hasRequest() || e.hasResponse() || e.hasSearch()).isFalse())
        .allSatisfy(
            e -> assertThat(e.getFullUrl()).isEqualTo("urn:uuid:" + e.getResource().getIdPart()));
    assertThat(out.getType()).isEqualTo(Bundle.BundleType.COLLECTION);
    assertThat(out.hasIdentifier()).isFalse();

    MedicationRequest mr = (MedicationRequest) byType.get("MedicationRequest");
    assertThat(mr.getContained()).hasSize(1);
    String containedId = mr.getContained().get(0).getIdElement().getIdPart().replace("#", "");
    assertThat(containedId).isNotEqualTo("med-contained");
    assertThat(mr.getMedicationReference().getReference()).isEqualTo("#" + containedId);
    assertThat(Fixtures.json(mr)).contains("\"id\":\"" + containedId + "\"");
  }

  @Test
  void fullUrlReferencesToEntriesWithoutIdsResolveToTheEntrysNewId() {
    Bundle in = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    Patient patient = Fixtures.patient(null, AdministrativeGender.MALE, "1980-02-03", "94110");
    patient.setId((String) null);
    in.addEntry().setFullUrl("urn:uuid:61ebe359-bfdc-4613-8bf2-c5e300945f0a").setResource(patient);
    Observation o = Fixtures.heartRate(null, "x", "2020-01-01T10:00:00Z", 60);
    o.setId((String) null);
    o.setSubject(new Reference("urn:uuid:61ebe359-bfdc-4613-8bf2-c5e300945f0a"));
    in.addEntry().setFullUrl("urn:uuid:0f1d2e3c-0000-4000-8000-000000000001").setResource(o);

    Bundle out = (Bundle) deidentifier.deidentify(Fixtures.parse(Fixtures.json(in)), "p");

    Patient p = (Patient) out.getEntry().get(0).getResource();
    Observation obs = (Observation) out.getEntry().get(1).getResource();
    assertThat(p.getIdPart()).isNotNull();
    assertThat(obs.getSubject().getReference()).isEqualTo("Patient/" + p.getIdPart());
    assertThat(Fixtures.json(out)).doesNotContain("61ebe359");
  }

  @Test
  void datesOfOnePatientMoveByTheSameDaysKeepingTimeAndPrecision() {
    int days = keys.dateShiftDays(CHANNEL_PSEUDONYM);
    Map<String, Resource> out = byType(deidentifiedPlanted());
    Encounter enc = (Encounter) out.get("Encounter");
    assertThat(enc.getPeriod().getStartElement().getValueAsString())
        .isEqualTo(shift(Fixtures.ADMISSION, days));
    assertThat(enc.getPeriod().getEndElement().getValueAsString())
        .isEqualTo(shift(Fixtures.DISCHARGE, days));
    Observation hr = (Observation) out.get("Observation");
    assertThat(hr.getEffectiveDateTimeType().getValueAsString())
        .isEqualTo(shift("2023-03-15T09:00:00Z", days));
    Condition c = (Condition) out.get("Condition");
    assertThat(c.getOnsetDateTimeType().getValueAsString()).isEqualTo(shift("2015-06-01", days));
    MedicationRequest mr = (MedicationRequest) out.get("MedicationRequest");
    assertThat(mr.getAuthoredOnElement().getValueAsString())
        .isEqualTo(shift(Fixtures.DISCHARGE, days));
  }

  @Test
  void differentPatientsGetDifferentShifts() {
    long distinct =
        List.of("p1", "p2", "p3", "p4", "p5").stream()
            .map(
                p ->
                    ((Observation)
                            deidentifier.deidentify(
                                Fixtures.heartRate("o", "x", "2020-01-01T10:00:00Z", 60), p))
                        .getEffectiveDateTimeType()
                        .getValueAsString())
            .distinct()
            .count();
    assertThat(distinct).isGreaterThan(1);
  }

  @Test
  void yearOnlyDatesStayAndYearMonthDatesBecomeTheirYear() {
    Observation o = Fixtures.heartRate("o", "x", "2019", 60);
    o.setIssued(null);
    Timing timing = new Timing();
    timing.addEventElement().setValueAsString("2018-04");
    timing.addEventElement().setValueAsString("2018-04-10");
    o.setEffective(timing);
    Condition yearOnly = new Condition();
    yearOnly.setOnset(new DateTimeType("2019"));
    yearOnly.setAbatement(new Period().setStartElement(new DateTimeType("2020-11")));

    Observation out = (Observation) deidentifier.deidentify(o, "p");
    Condition c = (Condition) deidentifier.deidentify(yearOnly, "p");

    assertThat(out.getEffectiveTiming().getEvent().get(0).getValueAsString()).isEqualTo("2018");
    assertThat(out.getEffectiveTiming().getEvent().get(1).getValueAsString())
        .isEqualTo(LocalDate.parse("2018-04-10").plusDays(keys.dateShiftDays("p")).toString());
    assertThat(c.getOnsetDateTimeType().getValueAsString()).isEqualTo("2019");
    assertThat(c.getAbatementPeriod().getStartElement().getValueAsString()).isEqualTo("2020");
  }

  @Test
  void patientsOfNinetyOrOverLoseTheirBirthYear() {
    Patient old = Fixtures.patient("o", AdministrativeGender.MALE, "1935-06-01", "94110");
    Patient almost = Fixtures.patient("a", AdministrativeGender.MALE, "1935-06-02", "94110");
    Patient yearOnly = Fixtures.patient("y", AdministrativeGender.MALE, "1935", "94110");
    Patient young = Fixtures.patient("n", AdministrativeGender.MALE, "2001-12", "94110");

    assertThat(deidentifier.quasiIdentifiers(old).birthYear()).isEqualTo("90+");
    assertThat(((Patient) deidentifier.deidentify(old, "p")).hasBirthDate()).isFalse();
    assertThat(deidentifier.quasiIdentifiers(almost).birthYear()).isEqualTo("1935");
    assertThat(
            ((Patient) deidentifier.deidentify(almost, "p"))
                .getBirthDateElement()
                .getValueAsString())
        .isEqualTo("1935");
    assertThat(deidentifier.quasiIdentifiers(yearOnly).birthYear())
        .as("born in 1935, so possibly 90 on 2025-06-01")
        .isEqualTo("90+");
    assertThat(deidentifier.quasiIdentifiers(young).birthYear()).isEqualTo("2001");
    assertThat(deidentifier.quasiIdentifiers(new Patient())).isEqualTo(QuasiIdentifiers.NONE);
  }

  @Test
  void agesOfNinetyOrMoreBecomeNinetyOrMore() {
    Condition c93 = new Condition();
    c93.setOnset(age(93, "a"));
    Condition c89 = new Condition();
    c89.setOnset(age(89, "a"));
    Condition months = new Condition();
    months.setOnset(age(1100, "mo"));

    Age out93 = ((Condition) deidentifier.deidentify(c93, "p")).getOnsetAge();
    Age out89 = ((Condition) deidentifier.deidentify(c89, "p")).getOnsetAge();
    Age outMonths = ((Condition) deidentifier.deidentify(months, "p")).getOnsetAge();

    assertThat(out93.getValue()).isEqualByComparingTo("90");
    assertThat(out93.getComparator()).isEqualTo(Quantity.QuantityComparator.GREATER_OR_EQUAL);
    assertThat(out93.getCode()).isEqualTo("a");
    assertThat(out89.getValue()).isEqualByComparingTo("89");
    assertThat(out89.hasComparator()).isFalse();
    assertThat(outMonths.getValue()).isEqualByComparingTo("90");
    assertThat(outMonths.getComparator()).isEqualTo(Quantity.QuantityComparator.GREATER_OR_EQUAL);
  }

  private static Age age(int value, String ucum) {
    Age a = new Age();
    a.setValue(value).setUnit(ucum).setSystem(Fixtures.UCUM).setCode(ucum);
    return a;
  }

  @Test
  void restrictedZipPrefixesBecome000() {
    for (String zip : List.of("03601", "05901", "69201", "89301", "82301-1234")) {
      Patient p = Fixtures.patient("z", AdministrativeGender.FEMALE, "1970", zip);
      assertThat(deidentifier.quasiIdentifiers(p).zip3()).as(zip).isEqualTo("000");
      assertThat(((Patient) deidentifier.deidentify(p, "p")).getAddressFirstRep().getPostalCode())
          .isEqualTo("000");
    }
    Patient open = Fixtures.patient("z", AdministrativeGender.FEMALE, "1970", "94110");
    assertThat(deidentifier.quasiIdentifiers(open).zip3()).isEqualTo("941");
    Patient foreign = Fixtures.patient("z", AdministrativeGender.FEMALE, "1970", "SW1A 1AA");
    assertThat(deidentifier.quasiIdentifiers(foreign).zip3()).isEqualTo("unknown");
    assertThat(Fixtures.json(deidentifier.deidentify(foreign, "p"))).doesNotContain("SW1A");
  }

  @Test
  void theInputIsNotModified() {
    Bundle in = Fixtures.plantedBundle();
    String before = Fixtures.json(in);
    deidentifier.deidentify(in, CHANNEL_PSEUDONYM);
    assertThat(Fixtures.json(in)).isEqualTo(before);
  }

  @Test
  void anotherSecretGivesOtherIdsPseudonymsAndShifts() {
    SafeHarborDeidentifier other =
        new SafeHarborDeidentifier(ExportKeys.of(ExportKeysTest.secret(8)), EXPORT_DATE);
    Patient a = (Patient) byType(deidentifiedPlanted()).get("Patient");
    Patient b =
        (Patient)
            byType((Bundle) other.deidentify(Fixtures.plantedBundle(), CHANNEL_PSEUDONYM))
                .get("Patient");
    Patient again = (Patient) byType(deidentifiedPlanted()).get("Patient");

    assertThat(again.getIdPart()).isEqualTo(a.getIdPart());
    assertThat(again.getIdentifierFirstRep().getValue())
        .isEqualTo(a.getIdentifierFirstRep().getValue());
    assertThat(b.getIdPart()).isNotEqualTo(a.getIdPart());
    assertThat(b.getIdentifierFirstRep().getValue())
        .isNotEqualTo(a.getIdentifierFirstRep().getValue());
  }
}

package org.careledger.domain.research;

import ca.uhn.fhir.context.FhirContext;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.hl7.fhir.r4.model.Account;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.AllergyIntolerance;
import org.hl7.fhir.r4.model.Annotation;
import org.hl7.fhir.r4.model.Attachment;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.Coverage;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.Dosage;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Immunization;
import org.hl7.fhir.r4.model.Medication;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Narrative;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Procedure;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StringType;

/**
 * Test records: a Bundle that plants every kind of Safe Harbor identifier as a unique marker, and
 * small records for the date, age and k-anonymity tests.
 */
final class Fixtures {

  static final String FAMILY = "Zebulonfamily";
  static final String GIVEN = "Quixotegiven";
  static final String RELATIVE = "Marthamarker";
  static final String PRACTITIONER = "Drpractmarker";
  static final String STREET = "742 Evergreenmarker Terrace";
  static final String CITY = "Springfieldmarker";
  static final String COUNTY = "Shelbycountymarker";
  static final String ZIP = "02139";
  static final String BIRTH_DATE = "1961-07-23";
  static final String ADMISSION = "2023-03-14T08:30:00Z";
  static final String DISCHARGE = "2023-03-19T14:15:00Z";
  static final String DEATH = "2024-01-02T03:04:05Z";
  static final String PHONE = "555-0142-7788";
  static final String FAX = "555-0199-3344";
  static final String EMAIL = "zeb.marker@example.org";
  static final String SSN = "123-45-6789";
  static final String MRN = "MRN-77881";
  static final String HEALTH_PLAN = "HPBN-55512";
  static final String ACCOUNT = "ACCT-99123";
  static final String LICENSE = "LIC-MD-44231";
  static final String VEHICLE = "VIN-1HGCM82633A004352";
  static final String PLATE = "PLATE-ZEB-942";
  static final String UDI = "UDI-00844588003288";
  static final String UDI_HRF = "(01)00844588003288(17)141120(10)7654321D(21)10987654d321";
  static final String DEVICE_SERIAL = "SERIAL-XK9-2231";
  static final String DEVICE_LOT = "LOT-7731-DEV";
  static final String HOME_URL = "https://zeb-marker.example.net/home";
  static final String DOCUMENT_URL = "https://files.example.org/zeb-scan.pdf";
  static final String IP_ADDRESS = "203.0.113.77";
  static final String FINGERPRINT = "FINGERPRINT-TEMPLATE-a1b2c3d4e5";
  static final String PHOTO = "FULLFACEPHOTOMARKER";
  static final String PHOTO_BASE64 =
      Base64.getEncoder().encodeToString(PHOTO.getBytes(StandardCharsets.US_ASCII));
  static final String ENCOUNTER_NUMBER = "ENC-31337";
  static final String OBSERVATION_NUMBER = "OBS-4242";
  static final String IMMUNIZATION_LOT = "IMMLOT-5521";
  static final String ORGANIZATION = "Generalmarker Hospital";
  static final String SOURCE = "hospital-marker-source";

  /** Every planted marker: none of them may reach the output. */
  static final List<String> MARKERS =
      List.of(
          FAMILY,
          GIVEN,
          RELATIVE,
          PRACTITIONER,
          STREET,
          "Evergreenmarker",
          CITY,
          COUNTY,
          ZIP,
          BIRTH_DATE,
          ADMISSION.substring(0, 10),
          DISCHARGE.substring(0, 10),
          DEATH.substring(0, 10),
          PHONE,
          FAX,
          EMAIL,
          SSN,
          MRN,
          HEALTH_PLAN,
          ACCOUNT,
          LICENSE,
          VEHICLE,
          PLATE,
          UDI,
          UDI_HRF,
          "00844588003288",
          DEVICE_SERIAL,
          DEVICE_LOT,
          HOME_URL,
          "zeb-marker.example.net",
          DOCUMENT_URL,
          "files.example.org",
          IP_ADDRESS,
          FINGERPRINT,
          PHOTO,
          PHOTO_BASE64,
          ENCOUNTER_NUMBER,
          OBSERVATION_NUMBER,
          IMMUNIZATION_LOT,
          ORGANIZATION,
          "Generalmarker",
          SOURCE,
          "pat-1",
          "enc-1",
          "obs-hr",
          "prac-1",
          "org-1",
          "dev-1",
          "med-contained");

  static final String LOINC = "http://loinc.org";
  static final String SNOMED = "http://snomed.info/sct";
  static final String UCUM = "http://unitsofmeasure.org";

  private Fixtures() {}

  static String json(Resource resource) {
    return FhirContext.forR4Cached().newJsonParser().encodeResourceToString(resource);
  }

  static byte[] bytes(Resource resource) {
    return json(resource).getBytes(StandardCharsets.UTF_8);
  }

  static Resource parse(String json) {
    return (Resource) FhirContext.forR4Cached().newJsonParser().parseResource(json);
  }

  static Identifier identifier(String system, String value) {
    return new Identifier().setSystem(system).setValue(value);
  }

  static Extension stringExtension(String url, String value) {
    return new Extension(url, new StringType(value));
  }

  static Annotation note(String text) {
    return new Annotation().setText(text);
  }

  static CodeableConcept concept(String system, String code, String display, String text) {
    CodeableConcept c = new CodeableConcept();
    c.addCoding(new Coding(system, code, display));
    if (text != null) {
      c.setText(text);
    }
    return c;
  }

  static Reference ref(String reference, String display) {
    return new Reference(reference).setDisplay(display);
  }

  /** The patient with every identifier Safe Harbor lists. */
  static Patient plantedPatient() {
    Patient p = new Patient();
    p.setId("pat-1");
    p.getMeta().setSource("#" + SOURCE).setVersionId("7");
    Narrative narrative = new Narrative().setStatus(Narrative.NarrativeStatus.GENERATED);
    narrative.setDivAsString(
        "<div xmlns=\"http://www.w3.org/1999/xhtml\">" + GIVEN + " " + FAMILY + "</div>");
    p.setText(narrative);
    p.addIdentifier(identifier("http://hl7.org/fhir/sid/us-ssn", SSN));
    p.addIdentifier(identifier("urn:oid:1.2.36.146.595.217.0.1", MRN));
    p.addIdentifier(identifier("urn:example:health-plan", HEALTH_PLAN));
    p.addIdentifier(identifier("urn:example:account", ACCOUNT));
    p.addName().setFamily(FAMILY).addGiven(GIVEN).setText(GIVEN + " " + FAMILY);
    p.addTelecom().setSystem(ContactPoint.ContactPointSystem.PHONE).setValue(PHONE);
    p.addTelecom().setSystem(ContactPoint.ContactPointSystem.FAX).setValue(FAX);
    p.addTelecom().setSystem(ContactPoint.ContactPointSystem.EMAIL).setValue(EMAIL);
    p.addTelecom().setSystem(ContactPoint.ContactPointSystem.URL).setValue(HOME_URL);
    p.setGender(AdministrativeGender.FEMALE);
    p.setBirthDateElement(new DateType(BIRTH_DATE));
    p.setDeceased(new DateTimeType(DEATH));
    p.addAddress()
        .setUse(Address.AddressUse.HOME)
        .addLine(STREET)
        .setCity(CITY)
        .setDistrict(COUNTY)
        .setState("MA")
        .setPostalCode(ZIP)
        .setCountry("US")
        .setText(STREET + ", " + CITY);
    p.addPhoto(
        new Attachment()
            .setContentType("image/jpeg")
            .setData(PHOTO.getBytes(StandardCharsets.US_ASCII))
            .setUrl(DOCUMENT_URL));
    p.addContact().setName(new org.hl7.fhir.r4.model.HumanName().setFamily(RELATIVE));
    p.addGeneralPractitioner(ref("Practitioner/prac-1", PRACTITIONER));
    p.setManagingOrganization(ref("Organization/org-1", ORGANIZATION));
    p.addExtension(stringExtension("urn:example:vehicle", VEHICLE));
    p.addExtension(stringExtension("urn:example:last-login-ip", IP_ADDRESS));
    return p;
  }

  /** A Bundle (transaction, as an EHR would send it) planting all 18 kinds of identifiers. */
  static Bundle plantedBundle() {
    Bundle b = new Bundle();
    b.setId("bundle-1");
    b.setType(Bundle.BundleType.TRANSACTION);
    b.setIdentifier(identifier("urn:example:bundle", "BUNDLE-" + MRN));

    Practitioner prac = new Practitioner();
    prac.setId("prac-1");
    prac.addName().setFamily(PRACTITIONER);
    prac.addTelecom().setSystem(ContactPoint.ContactPointSystem.PHONE).setValue(PHONE);
    prac.addQualification()
        .addIdentifier(identifier("urn:example:license", LICENSE))
        .setCode(
            concept(
                "http://terminology.hl7.org/CodeSystem/v2-0360", "MD", "Doctor of Medicine", null));

    Organization org = new Organization();
    org.setId("org-1");
    org.setName(ORGANIZATION);
    org.addIdentifier(identifier("urn:example:org", "ORG-" + ACCOUNT));
    org.addAddress().addLine(STREET).setCity(CITY).setPostalCode(ZIP);

    Encounter enc = new Encounter();
    enc.setId("enc-1");
    enc.addIdentifier(identifier("urn:example:visit", ENCOUNTER_NUMBER));
    enc.setStatus(Encounter.EncounterStatus.FINISHED);
    enc.setClass_(
        new Coding(
            "http://terminology.hl7.org/CodeSystem/v3-ActCode", "IMP", "inpatient encounter"));
    enc.setSubject(ref("Patient/pat-1", GIVEN + " " + FAMILY));
    enc.setPeriod(
        new Period()
            .setStartElement(new DateTimeType(ADMISSION))
            .setEndElement(new DateTimeType(DISCHARGE)));
    enc.getHospitalization()
        .setPreAdmissionIdentifier(identifier("urn:example:preadmit", "PRE-" + ENCOUNTER_NUMBER));
    enc.addParticipant().setIndividual(ref("Practitioner/prac-1", PRACTITIONER));

    Observation hr = new Observation();
    hr.setId("obs-hr");
    hr.addIdentifier(identifier("urn:example:obs", OBSERVATION_NUMBER));
    hr.setStatus(Observation.ObservationStatus.FINAL);
    hr.setCode(concept(LOINC, "8867-4", "Heart rate", FAMILY + " pulse"));
    hr.setSubject(ref("Patient/pat-1", GIVEN + " " + FAMILY));
    hr.setEncounter(ref("Encounter/enc-1", "Visit " + ENCOUNTER_NUMBER));
    hr.setEffective(new DateTimeType("2023-03-15T09:00:00Z"));
    hr.setValue(
        new Quantity().setValue(72).setUnit("beats/minute").setSystem(UCUM).setCode("/min"));
    hr.addNote(note("Seen with " + RELATIVE + ", logged in from " + IP_ADDRESS));
    hr.addPerformer(ref("Practitioner/prac-1", PRACTITIONER));

    Observation vehicle = new Observation();
    vehicle.setId("obs-vehicle");
    vehicle.setStatus(Observation.ObservationStatus.FINAL);
    vehicle.setCode(concept(LOINC, "11341-5", "History of Occupation", null));
    vehicle.setSubject(new Reference("Patient/pat-1"));
    vehicle.setValue(new StringType("Drives " + VEHICLE + " plate " + PLATE));

    Observation fingerprint = new Observation();
    fingerprint.setId("obs-fingerprint");
    fingerprint.setStatus(Observation.ObservationStatus.FINAL);
    fingerprint.setCode(concept(SNOMED, "47863000", "Fingerprint", "fingerprint of " + FAMILY));
    fingerprint.setSubject(new Reference("Patient/pat-1"));
    fingerprint.setValue(new StringType(FINGERPRINT));
    fingerprint.addExtension(stringExtension("urn:example:ip", IP_ADDRESS));

    Device device = new Device();
    device.setId("dev-1");
    device.addIdentifier(identifier("urn:example:device", UDI));
    device
        .addUdiCarrier()
        .setDeviceIdentifier(UDI)
        .setCarrierHRF(UDI_HRF)
        .setIssuer("http://hl7.org/fhir/NamingSystem/gs1-di");
    device.setSerialNumber(DEVICE_SERIAL);
    device.setLotNumber(DEVICE_LOT);
    device.setPatient(ref("Patient/pat-1", FAMILY));
    device.setType(concept(SNOMED, "14106009", "Cardiac pacemaker", null));

    Condition condition = new Condition();
    condition.setId("cond-1");
    condition.setSubject(ref("Patient/pat-1", FAMILY));
    condition.setCode(
        concept(SNOMED, "44054006", "Diabetes mellitus type 2", GIVEN + "'s diabetes"));
    condition.setClinicalStatus(
        concept(
            "http://terminology.hl7.org/CodeSystem/condition-clinical", "active", "Active", null));
    condition.setOnset(new DateTimeType("2015-06-01"));
    condition.setRecordedDateElement(new DateTimeType(ADMISSION));
    condition.addNote(note(FAMILY + " reports " + RELATIVE + " has it too"));

    Medication med = new Medication();
    med.setId("med-contained");
    med.setCode(
        concept("http://www.nlm.nih.gov/research/umls/rxnorm", "860975", "metformin 500 MG", null));
    MedicationRequest mr = new MedicationRequest();
    mr.setId("mr-1");
    mr.addContained(med);
    mr.setStatus(MedicationRequest.MedicationRequestStatus.ACTIVE);
    mr.setIntent(MedicationRequest.MedicationRequestIntent.ORDER);
    mr.setMedication(new Reference("#med-contained"));
    mr.setSubject(ref("Patient/pat-1", FAMILY));
    mr.setAuthoredOnElement(new DateTimeType(DISCHARGE));
    mr.addDosageInstruction(
        new Dosage().setText("Take with " + RELATIVE).setPatientInstruction(PHONE));

    DiagnosticReport report = new DiagnosticReport();
    report.setId("dr-1");
    report.setStatus(DiagnosticReport.DiagnosticReportStatus.FINAL);
    report.setCode(concept(LOINC, "58410-2", "CBC panel - Blood by Automated count", null));
    report.setSubject(new Reference("Patient/pat-1"));
    report.addResult(new Reference("Observation/obs-hr"));
    report.setConclusion(FAMILY + " is fine");
    report.addPresentedForm(
        new Attachment()
            .setContentType("application/pdf")
            .setUrl(DOCUMENT_URL)
            .setData(PHOTO.getBytes(StandardCharsets.US_ASCII))
            .setTitle(FAMILY + " report"));

    Procedure procedure = new Procedure();
    procedure.setId("proc-1");
    procedure.setStatus(Procedure.ProcedureStatus.COMPLETED);
    procedure.setCode(concept(SNOMED, "80146002", "Appendectomy", null));
    procedure.setSubject(new Reference("Patient/pat-1"));
    procedure.setPerformed(
        new Period()
            .setStartElement(new DateTimeType(ADMISSION))
            .setEndElement(new DateTimeType(DISCHARGE)));

    Immunization imm = new Immunization();
    imm.setId("imm-1");
    imm.setStatus(Immunization.ImmunizationStatus.COMPLETED);
    imm.setVaccineCode(
        concept(
            "http://hl7.org/fhir/sid/cvx",
            "140",
            "Influenza, seasonal, injectable, preservative free",
            null));
    imm.setPatient(new Reference("Patient/pat-1"));
    imm.setOccurrence(new DateTimeType(ADMISSION));
    imm.setLotNumber(IMMUNIZATION_LOT);

    AllergyIntolerance allergy = new AllergyIntolerance();
    allergy.setId("allergy-1");
    allergy.setPatient(new Reference("Patient/pat-1"));
    allergy.setCode(concept(SNOMED, "91936005", "Allergy to penicillin", null));
    allergy.setClinicalStatus(
        concept(
            "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical",
            "active",
            "Active",
            null));
    allergy
        .addReaction()
        .addManifestation(concept(SNOMED, "247472004", "Hives", null))
        .setDescription(RELATIVE + " saw hives");

    Coverage coverage = new Coverage();
    coverage.setId("cov-1");
    coverage.addIdentifier(identifier("urn:example:plan", HEALTH_PLAN));
    coverage.setStatus(Coverage.CoverageStatus.ACTIVE);
    coverage.setSubscriberId(HEALTH_PLAN);
    coverage.setBeneficiary(new Reference("Patient/pat-1"));
    coverage.addPayor(new Reference("Organization/org-1"));

    Account account = new Account();
    account.setId("acct-1");
    account.addIdentifier(identifier("urn:example:account", ACCOUNT));
    account.setStatus(Account.AccountStatus.ACTIVE);
    account.setName(ACCOUNT + " " + FAMILY);
    account.addSubject(new Reference("Patient/pat-1"));

    for (Resource r :
        List.<Resource>of(
            plantedPatient(),
            prac,
            org,
            enc,
            hr,
            vehicle,
            fingerprint,
            device,
            condition,
            mr,
            report,
            procedure,
            imm,
            allergy,
            coverage,
            account)) {
      b.addEntry()
          .setFullUrl("https://ehr.example.org/fhir/" + r.fhirType() + "/" + r.getIdPart())
          .setResource(r)
          .getRequest()
          .setMethod(Bundle.HTTPVerb.PUT)
          .setUrl(r.fhirType() + "/" + r.getIdPart());
    }
    return b;
  }

  /** A Patient of the given sex, birth date and postal code, and nothing else. */
  static Patient patient(String id, AdministrativeGender gender, String birthDate, String zip) {
    Patient p = new Patient();
    p.setId(id);
    if (gender != null) {
      p.setGender(gender);
    }
    if (birthDate != null) {
      p.setBirthDateElement(new DateType(birthDate));
    }
    if (zip != null) {
      p.addAddress().setPostalCode(zip).setState("MA").setCountry("US");
    }
    return p;
  }

  /** A heart-rate Observation of the patient at the given time. */
  static Observation heartRate(String id, String patientId, String effective, int value) {
    Observation o = new Observation();
    o.setId(id);
    o.setStatus(Observation.ObservationStatus.FINAL);
    o.setCode(concept(LOINC, "8867-4", "Heart rate", null));
    o.setSubject(new Reference("Patient/" + patientId));
    o.setEffective(new DateTimeType(effective));
    o.setValue(
        new Quantity()
            .setValue(new BigDecimal(value))
            .setUnit("beats/minute")
            .setSystem(UCUM)
            .setCode("/min"));
    return o;
  }
}

package org.careledger.domain.research;

import java.lang.reflect.InvocationTargetException;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.Period;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hl7.fhir.exceptions.FHIRException;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.Age;
import org.hl7.fhir.r4.model.Annotation;
import org.hl7.fhir.r4.model.Attachment;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.BaseDateTimeType;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.DomainResource;
import org.hl7.fhir.r4.model.Element;
import org.hl7.fhir.r4.model.Enumeration;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.MarkdownType;
import org.hl7.fhir.r4.model.Meta;
import org.hl7.fhir.r4.model.Narrative;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.PrimitiveType;
import org.hl7.fhir.r4.model.Property;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ResourceType;
import org.hl7.fhir.r4.model.Signature;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.TimeType;
import org.hl7.fhir.r4.model.UriType;

/**
 * De-identifies one FHIR R4 resource (any type, a Bundle included) for a research export per HIPAA
 * Safe Harbor (45 CFR 164.514(b)(2), the 18 identifiers), by <em>default deny</em>: the result is a
 * new resource built up from what is known to be safe; the input is never modified. Every element
 * is reached through the model's own reflection ({@link Base#children()} and {@link
 * Base#setProperty(String, Base)}), so elements of resource types this class never names are judged
 * by the same rules.
 *
 * <p>What is kept, and how:
 *
 * <ul>
 *   <li>Removed wherever they occur: {@code Identifier}, {@code HumanName}, {@code ContactPoint},
 *       {@code Address} (but the Patient's, below), {@code Attachment}, {@code Annotation}, {@code
 *       Narrative}, {@code Signature}, {@code Meta}, every {@code extension} and {@code
 *       modifierExtension}, {@code implicitRules}, element ids, {@code base64Binary}, {@code
 *       markdown}, any value of a type not listed here.
 *   <li>{@code string} values only where the path is terminology: {@code Coding.display}, {@code
 *       Coding.version}, {@code Quantity.unit} (and of its profiles Age, Duration, Count, Distance,
 *       MoneyQuantity); all other strings are free text ({@code CodeableConcept.text}, {@code
 *       Reference.display}, {@code Observation.valueString}, descriptions, lot numbers ...) and go.
 *   <li>{@code uri}, {@code url}, {@code canonical}, {@code oid}, {@code uuid} values only as
 *       {@code Coding.system} and {@code Quantity.system}.
 *   <li>{@code code} and enumerated codes, {@code boolean}, {@code integer} (and {@code
 *       positiveInt}, {@code unsignedInt}), {@code decimal}, {@code time}: kept.
 *   <li>{@code date}, {@code dateTime}, {@code instant}, wherever they are (Period, Timing, ...):
 *       with day precision or finer, moved by the patient's {@link ExportKeys#dateShiftDays}, the
 *       time of day, fraction and zone kept as written (so intervals between a patient's dates are
 *       kept exactly); a year-only value is kept (Safe Harbor allows the year); a year-and-month
 *       value is <em>reduced to its year</em> (its month, unshifted, would be a date element Safe
 *       Harbor removes, and shifting a month by days is meaningless). Safe Harbor itself removes
 *       all date elements but the year; the shift keeps intervals usable while no real date
 *       remains.
 *   <li>{@code Age} values of 90 years or more become 90 years with comparator {@code >=}.
 *   <li>{@code Reference}: only {@code reference}, rewritten: {@code Type/id} (also absolute, or
 *       with {@code _history}) to {@code Type/} + {@link ExportKeys#localId} in the scope of the
 *       patient and type, the same id the referenced resource gets, so references stay consistent
 *       within an export; a reference to a Bundle entry's {@code fullUrl} to that entry's resource;
 *       {@code #id} to the rewritten contained id; anything else to an opaque {@code urn:uuid:}.
 *       Its {@code display}, {@code identifier} and {@code type} go.
 *   <li>Resource ids: {@link ExportKeys#localId} of the original id (or, for a Bundle entry without
 *       one, of its {@code fullUrl}); contained resources are de-identified by the same rules.
 *   <li>Bundle: type {@code collection} (a transaction or document Bundle stripped of its requests
 *       or identifier would no longer be one); each entry's resource de-identified, its {@code
 *       fullUrl} a {@code urn:uuid:} from the export key; {@code identifier}, {@code total}, {@code
 *       link}, {@code signature} and the entries' {@code request}, {@code response}, {@code search}
 *       and {@code link} removed. The {@code fullUrl} is {@code urn:uuid:} + the resource's new id
 *       (itself a UUID), so that {@code Type/id} references resolve within the Bundle.
 *   <li>Patient: its one identifier is the research pseudonym (system {@link
 *       ExportKeys#PSEUDONYM_SYSTEM}); {@code gender}, {@code birthDate} (the year) and one {@code
 *       address} (the home address: {@code postalCode} as its three-digit prefix, {@code 000} for
 *       the {@link #RESTRICTED_ZIP3 restricted prefixes}, {@code state} and {@code country} where
 *       they are plain words) are written from the patient's {@link QuasiIdentifiers}, so they are
 *       exactly what k-anonymity counted; a patient who is or may be 90 or older at the export date
 *       has no birth date. {@code active}, {@code deceased[x]} (a dateTime shifted), {@code
 *       maritalStatus} and {@code multipleBirth[x]} follow the general rules; {@code name}, {@code
 *       telecom}, {@code photo}, {@code contact}, {@code communication}, {@code
 *       generalPractitioner}, {@code managingOrganization} and {@code link} go.
 *   <li>Other people's birth dates ({@code birthDate} of Practitioner, RelatedPerson, Person,
 *       {@code FamilyMemberHistory.born[x]}) go; Device's {@code udiCarrier}, {@code serialNumber},
 *       {@code lotNumber}, {@code distinctIdentifier}, {@code deviceName}, {@code modelNumber} and
 *       {@code partNumber} go explicitly (the general rules would remove most of them).
 *   <li>An Organization, which FHIR requires to have a name or an identifier, gets one identifier
 *       (system {@link #LOCAL_ID_SYSTEM}) whose value is its export-local id.
 *   <li>A data type left empty, or without an element its type requires (e.g. a {@code
 *       QuestionnaireResponse.item} without its {@code linkId} string), is removed as a whole, so
 *       no empty or broken element is written. A resource that loses a required element (e.g. a
 *       DocumentReference whose content was only an attachment) is still written: the clinical data
 *       it keeps is the export's purpose.
 * </ul>
 *
 * Not covered, by design: identifiers written as codes ({@code Coding.code} under a system that is
 * really an identifier system) and clinical values that happen to be rare. The {@link KAnonymity}
 * check covers the quasi-identifiers; everything else a researcher sees is coded data.
 */
public final class SafeHarborDeidentifier {

  /**
   * Three-digit ZIP prefixes whose areas held 20,000 people or fewer at the 2000 census, per HHS's
   * guidance on Safe Harbor: written as {@code 000}.
   */
  public static final Set<String> RESTRICTED_ZIP3 =
      Set.of(
          "036", "059", "063", "102", "203", "556", "692", "790", "821", "823", "830", "831", "878",
          "879", "884", "890", "893");

  /**
   * The system of the identifier an Organization gets in place of its own: its export-local id
   * again (FHIR requires an Organization to have a name or an identifier; this one tells nothing
   * its id does not).
   */
  public static final String LOCAL_ID_SYSTEM = "urn:careledger:research-local-id";

  private static final int AGE_LIMIT = 90;
  private static final String UCUM = "http://unitsofmeasure.org";

  private static final Set<String> QUANTITY_TYPES =
      Set.of("Quantity", "Age", "Duration", "Count", "Distance", "MoneyQuantity", "SimpleQuantity");

  private static final Set<String> DROPPED_NAMES =
      Set.of("id", "extension", "modifierExtension", "meta", "implicitRules", "text");

  private static final Set<String> DROPPED_PATHS =
      Set.of(
          "Bundle.identifier",
          "Bundle.total",
          "Bundle.link",
          "Bundle.signature",
          "Device.udiCarrier",
          "Device.serialNumber",
          "Device.lotNumber",
          "Device.distinctIdentifier",
          "Device.deviceName",
          "Device.modelNumber",
          "Device.partNumber",
          "FamilyMemberHistory.born[x]");

  private static final Set<String> PATIENT_REMOVED =
      Set.of(
          "name",
          "telecom",
          "photo",
          "contact",
          "communication",
          "generalPractitioner",
          "managingOrganization",
          "link");

  /** Patient elements written from the quasi-identifiers and the pseudonym, not copied. */
  private static final Set<String> PATIENT_WRITTEN =
      Set.of("identifier", "gender", "birthDate", "address");

  private static final Set<String> SAFE_STRINGS;
  private static final Set<String> SAFE_URIS;

  static {
    List<String> strings = new ArrayList<>(List.of("Coding.display", "Coding.version"));
    List<String> uris = new ArrayList<>(List.of("Coding.system"));
    for (String type : QUANTITY_TYPES) {
      strings.add(type + ".unit");
      uris.add(type + ".system");
    }
    SAFE_STRINGS = Set.copyOf(strings);
    SAFE_URIS = Set.copyOf(uris);
  }

  private static final Pattern RESOURCE_REFERENCE =
      Pattern.compile(
          "^(?:.*/)?([A-Z][A-Za-z]{1,63})/([A-Za-z0-9\\-.]{1,64})"
              + "(?:/_history/[A-Za-z0-9\\-.]{1,64})?$");
  private static final Pattern UUID_FORM =
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
  private static final Pattern ZIP3 = Pattern.compile("^\\s*([0-9]{3})");
  private static final Pattern PLACE_NAME = Pattern.compile("[\\p{L} .'\\-]{1,40}");

  private final ExportKeys keys;
  private final LocalDate exportDate;

  /** For one export: its keys, and the date that decides who is 90 or older. */
  public SafeHarborDeidentifier(ExportKeys keys, LocalDate exportDate) {
    this.keys = Objects.requireNonNull(keys, "keys");
    this.exportDate = Objects.requireNonNull(exportDate, "exportDate");
  }

  /**
   * The generalized quasi-identifiers one Patient resource gives: birth year ({@code 90+} if the
   * patient is 90 or older at the export date, taking a year- or month-only birth date at its
   * earliest, so a patient who may be 90 counts as 90), gender code, three-digit ZIP of the home
   * address (see {@link SafeHarborDeidentifier} for which address).
   */
  public QuasiIdentifiers quasiIdentifiers(Patient patient) {
    return new QuasiIdentifiers(birthYear(patient), sex(patient), zip3(primaryAddress(patient)));
  }

  /**
   * The quasi-identifiers of the patient a resource belongs to, {@link QuasiIdentifiers#merge
   * merged} over every Patient in it (itself, Bundle entries, contained); {@link
   * QuasiIdentifiers#NONE} if there is none.
   */
  public QuasiIdentifiers quasiIdentifiers(Resource resource) {
    QuasiIdentifiers merged = QuasiIdentifiers.NONE;
    for (Patient p : patientsIn(resource)) {
      merged = merged.merge(quasiIdentifiers(p));
    }
    return merged;
  }

  /** {@link #deidentify(Resource, String, QuasiIdentifiers)} with the resource's own Patients. */
  public Resource deidentify(Resource resource, String channelPseudonym) {
    return deidentify(resource, channelPseudonym, quasiIdentifiers(resource));
  }

  /**
   * A de-identified copy of {@code resource}, a record of the patient with that channel pseudonym;
   * every Patient in it is written with {@code subject}'s quasi-identifiers. Never null: the
   * resource itself is always kept, if only as its type and id.
   */
  public Resource deidentify(Resource resource, String channelPseudonym, QuasiIdentifiers subject) {
    Objects.requireNonNull(resource, "resource");
    Objects.requireNonNull(channelPseudonym, "channelPseudonym");
    Objects.requireNonNull(subject, "subject");
    Walk walk = new Walk(channelPseudonym, subject);
    walk.collectFullUrls(resource);
    return walk.resource(resource, null);
  }

  /** Every Patient in a resource: itself, in Bundle entries (nested too) and contained. */
  static List<Patient> patientsIn(Resource resource) {
    List<Patient> patients = new ArrayList<>();
    collectPatients(resource, patients);
    return patients;
  }

  private static void collectPatients(Resource resource, List<Patient> into) {
    if (resource == null) {
      return;
    }
    if (resource instanceof Patient p) {
      into.add(p);
    }
    if (resource instanceof Bundle b) {
      for (Bundle.BundleEntryComponent e : b.getEntry()) {
        collectPatients(e.getResource(), into);
      }
    }
    if (resource instanceof DomainResource d) {
      for (Resource c : d.getContained()) {
        collectPatients(c, into);
      }
    }
  }

  // --- quasi-identifiers -----------------------------------------------------------------------

  private String birthYear(Patient patient) {
    DateType birth = patient.getBirthDateElement();
    String value = birth == null ? null : birth.getValueAsString();
    if (value == null || value.length() < 4 || !value.substring(0, 4).matches("[0-9]{4}")) {
      return QuasiIdentifiers.UNKNOWN;
    }
    LocalDate earliest;
    try {
      earliest =
          switch (value.length()) {
            case 4 -> LocalDate.of(Integer.parseInt(value), 1, 1);
            case 7 -> LocalDate.parse(value + "-01");
            default -> LocalDate.parse(value.substring(0, 10));
          };
    } catch (DateTimeParseException | NumberFormatException e) {
      return QuasiIdentifiers.UNKNOWN;
    }
    if (!earliest.isAfter(exportDate)
        && Period.between(earliest, exportDate).getYears() >= AGE_LIMIT) {
      return QuasiIdentifiers.AGE_90_OR_OVER;
    }
    return value.substring(0, 4);
  }

  private static String sex(Patient patient) {
    AdministrativeGender g = patient.getGender();
    return g == null || g == AdministrativeGender.NULL ? QuasiIdentifiers.UNKNOWN : g.toCode();
  }

  /** The home address with a postal code, else any current one with a postal code, else any. */
  private static Address primaryAddress(Patient patient) {
    return patient.getAddress().stream()
        .min(Comparator.comparingInt(SafeHarborDeidentifier::addressRank))
        .orElse(null);
  }

  private static int addressRank(Address a) {
    boolean postal = a.hasPostalCode();
    boolean old = a.getUse() == Address.AddressUse.OLD;
    if (postal && a.getUse() == Address.AddressUse.HOME) {
      return 0;
    }
    if (postal && !old) {
      return 1;
    }
    if (postal) {
      return 2;
    }
    return old ? 4 : 3;
  }

  private static String zip3(Address address) {
    if (address == null || !address.hasPostalCode()) {
      return QuasiIdentifiers.UNKNOWN;
    }
    Matcher m = ZIP3.matcher(address.getPostalCode());
    if (!m.find()) {
      return QuasiIdentifiers.UNKNOWN;
    }
    return RESTRICTED_ZIP3.contains(m.group(1)) ? "000" : m.group(1);
  }

  // --- the walk --------------------------------------------------------------------------------

  /** The state of one {@link #deidentify} call. */
  private final class Walk {

    private final String channelPseudonym;
    private final QuasiIdentifiers subject;
    private final int shift;
    private final Map<String, String> fullUrlTargets = new HashMap<>();
    private int anonymousEntries;

    Walk(String channelPseudonym, QuasiIdentifiers subject) {
      this.channelPseudonym = channelPseudonym;
      this.subject = subject;
      this.shift = keys.dateShiftDays(channelPseudonym);
    }

    /** Bundle entries' fullUrls (nested Bundles too), to what a reference to them becomes. */
    void collectFullUrls(Resource resource) {
      if (resource instanceof Bundle b) {
        for (Bundle.BundleEntryComponent e : b.getEntry()) {
          Resource r = e.getResource();
          if (r != null && e.hasFullUrl()) {
            String key = idKey(r, e.getFullUrl());
            if (key != null) {
              fullUrlTargets.putIfAbsent(
                  e.getFullUrl(), r.fhirType() + "/" + resourceId(r.fhirType(), key));
            }
          }
          collectFullUrls(r);
        }
      }
    }

    private String resourceId(String type, String originalId) {
      return keys.localId(channelPseudonym + "/" + type, originalId);
    }

    private String containedId(String originalId) {
      return keys.localId(channelPseudonym + "/#", originalId);
    }

    /** What names the resource: its id, else (in a Bundle) its entry's fullUrl, else null. */
    private String idKey(Resource r, String fullUrl) {
      String id = r.hasIdElement() ? r.getIdElement().getIdPart() : null;
      if (id != null && !id.isEmpty() && !id.contains(":")) {
        return id;
      }
      if (fullUrl != null && !fullUrl.isBlank()) {
        Matcher m = RESOURCE_REFERENCE.matcher(fullUrl);
        return m.matches() && m.group(1).equals(r.fhirType()) ? m.group(2) : fullUrl;
      }
      return r.hasIdElement() ? r.getIdElement().getValue() : null;
    }

    Resource resource(Resource src, String fullUrl) {
      Resource dst = newInstance(src);
      String key = idKey(src, fullUrl);
      if (key != null) {
        dst.setId(resourceId(src.fhirType(), key));
      }
      copyChildren(src, dst);
      if (src instanceof Bundle bundle) {
        bundle((Bundle) dst, bundle);
      }
      if (src instanceof Patient patient) {
        patient((Patient) dst, patient);
      }
      if (dst instanceof Organization org && key != null) {
        org.addIdentifier().setSystem(LOCAL_ID_SYSTEM).setValue(dst.getIdPart());
      }
      return dst;
    }

    private Resource contained(Resource src) {
      Resource dst = newInstance(src);
      String id = src.getIdElement().getIdPart();
      if (id != null && !id.isEmpty()) {
        String bare = id.startsWith("#") ? id.substring(1) : id;
        dst.setId(containedId(bare));
      }
      copyChildren(src, dst);
      if (src instanceof Patient patient) {
        patient((Patient) dst, patient);
      }
      return dst;
    }

    private void copyChildren(Base src, Base dst) {
      for (Property p : src.children()) {
        for (Base value : p.getValues()) {
          if (value == null) {
            continue;
          }
          Base out = child(src, p.getName(), value);
          if (out != null) {
            dst.setProperty(p.getName(), out);
          }
        }
      }
    }

    /** The copy of {@code value}, child {@code name} of {@code parent}, or null to drop it. */
    private Base child(Base parent, String name, Base value) {
      String path = parent.fhirType() + "." + name;
      if (DROPPED_NAMES.contains(name) && !(value instanceof Resource)) {
        return null;
      }
      if (DROPPED_PATHS.contains(path)) {
        return null;
      }
      if (parent instanceof Patient) {
        if (PATIENT_REMOVED.contains(name) || PATIENT_WRITTEN.contains(name)) {
          return null;
        }
      } else if (parent instanceof Resource && name.equals("birthDate")) {
        return null; // another person's birth date
      }
      if (parent instanceof Bundle && name.equals("entry")) {
        return null; // written by bundle()
      }
      if (value instanceof Resource r) {
        return name.equals("contained") ? contained(r) : resource(r, null);
      }
      if (value instanceof Identifier
          || value instanceof HumanName
          || value instanceof ContactPoint
          || value instanceof Address
          || value instanceof Attachment
          || value instanceof Annotation
          || value instanceof Narrative
          || value instanceof Signature
          || value instanceof Meta
          || value instanceof Extension) {
        return null;
      }
      if (value instanceof PrimitiveType<?> primitive) {
        return primitive(path, primitive);
      }
      if (value.isPrimitive()) {
        return null; // xhtml and anything else not known
      }
      if (value instanceof Reference ref) {
        return reference(ref);
      }
      if (!(value instanceof Element element)) {
        return null;
      }
      Element dst = newInstance(element);
      copyChildren(element, dst);
      if (dst instanceof Age age) {
        dst = capAge(age);
      }
      return complete(dst) ? dst : null;
    }

    private Base primitive(String path, PrimitiveType<?> value) {
      if (!value.hasValue()) {
        return null;
      }
      if (value instanceof BaseDateTimeType date) {
        return shifted(date);
      }
      boolean keep;
      if (value instanceof Enumeration<?>
          || value instanceof CodeType
          || value instanceof BooleanType
          || value instanceof IntegerType
          || value instanceof DecimalType
          || value instanceof TimeType) {
        keep = true;
      } else if (value instanceof MarkdownType) {
        keep = false;
      } else if (value instanceof StringType) {
        keep = SAFE_STRINGS.contains(path);
      } else if (value instanceof UriType) {
        keep = SAFE_URIS.contains(path);
      } else {
        keep = false; // base64Binary and anything not known
      }
      return keep ? bare(value) : null;
    }

    private PrimitiveType<?> bare(PrimitiveType<?> value) {
      PrimitiveType<?> copy = (PrimitiveType<?>) value.copy();
      copy.getExtension().clear();
      copy.setId(null);
      return copy;
    }

    private BaseDateTimeType shifted(BaseDateTimeType date) {
      String s = date.getValueAsString();
      BaseDateTimeType copy = (BaseDateTimeType) bare(date);
      if (s.length() == 4) {
        return copy;
      }
      if (s.length() == 7) {
        copy.setValueAsString(s.substring(0, 4));
        return copy;
      }
      LocalDate day = LocalDate.parse(s.substring(0, 10)).plusDays(shift);
      copy.setValueAsString(day + s.substring(10));
      return copy;
    }

    private Reference reference(Reference ref) {
      if (!ref.hasReference()) {
        return null;
      }
      Reference out = new Reference();
      out.setReference(rewrite(ref.getReference()));
      return out;
    }

    private String rewrite(String ref) {
      if (ref.startsWith("#")) {
        return ref.length() == 1 ? ref : "#" + containedId(ref.substring(1));
      }
      String target = fullUrlTargets.get(ref);
      if (target != null) {
        return target;
      }
      Matcher m = RESOURCE_REFERENCE.matcher(ref);
      if (m.matches() && isResourceType(m.group(1))) {
        return m.group(1) + "/" + resourceId(m.group(1), m.group(2));
      }
      return "urn:uuid:" + keys.localId(channelPseudonym + "/reference", ref);
    }

    private void bundle(Bundle dst, Bundle src) {
      dst.setType(Bundle.BundleType.COLLECTION);
      Set<String> fullUrls = new HashSet<>();
      for (Bundle.BundleEntryComponent e : src.getEntry()) {
        Resource r = e.getResource();
        if (r == null) {
          continue;
        }
        Resource out = resource(r, e.getFullUrl());
        String entryKey =
            e.hasFullUrl() ? e.getFullUrl() : "entry without fullUrl " + anonymousEntries++;
        String fullUrl =
            fullUrl(out, keys.localId(channelPseudonym + "/Bundle.entry", entryKey), fullUrls);
        dst.addEntry().setFullUrl(fullUrl).setResource(out);
      }
    }

    private void patient(Patient dst, Patient src) {
      dst.addIdentifier()
          .setSystem(ExportKeys.PSEUDONYM_SYSTEM)
          .setValue(keys.pseudonym(channelPseudonym));
      if (!subject.sex().equals(QuasiIdentifiers.UNKNOWN)) {
        dst.setGender(AdministrativeGender.fromCode(subject.sex()));
      }
      if (subject.birthYear().matches("[0-9]{4}")) {
        dst.setBirthDateElement(new DateType(subject.birthYear()));
      }
      Address home = primaryAddress(src);
      Address address = new Address();
      if (home != null && home.hasState() && PLACE_NAME.matcher(home.getState()).matches()) {
        address.setState(home.getState());
      }
      if (home != null && home.hasCountry() && PLACE_NAME.matcher(home.getCountry()).matches()) {
        address.setCountry(home.getCountry());
      }
      if (!subject.zip3().equals(QuasiIdentifiers.UNKNOWN)) {
        address.setPostalCode(subject.zip3());
      }
      if (!address.isEmpty()) {
        dst.addAddress(address);
      }
    }
  }

  /**
   * A Bundle entry's fullUrl: {@code urn:uuid:} and the resource's id (a UUID, see {@link
   * ExportKeys#localId}), so that a {@code Type/id} reference from another entry resolves to it by
   * the Bundle resolution rules; where the resource has no id or another entry already took that
   * fullUrl (one resource in two records, not identical), {@code urn:uuid:} and {@code
   * fallbackUuid}.
   */
  static String fullUrl(Resource resource, String fallbackUuid, Set<String> taken) {
    String id = resource.hasIdElement() ? resource.getIdElement().getIdPart() : null;
    String url = "urn:uuid:" + (id != null && UUID_FORM.matcher(id).matches() ? id : fallbackUuid);
    if (!taken.add(url)) {
      url = "urn:uuid:" + fallbackUuid;
      taken.add(url);
    }
    return url;
  }

  /** Ages of 90 years or more as "90 years or more". */
  private static Age capAge(Age age) {
    if (!age.hasValue()) {
      return age;
    }
    BigDecimal years = years(age.getValue(), age.hasCode() ? age.getCode() : age.getUnit());
    if (years.compareTo(BigDecimal.valueOf(AGE_LIMIT)) < 0) {
      return age;
    }
    Age capped = new Age();
    capped.setValue(AGE_LIMIT);
    capped.setComparator(Quantity.QuantityComparator.GREATER_OR_EQUAL);
    capped.setUnit("years");
    capped.setSystem(UCUM);
    capped.setCode("a");
    return capped;
  }

  /** An age in years; a value in an unknown unit is taken as years (erring towards capping). */
  private static BigDecimal years(BigDecimal value, String unit) {
    double perYear =
        switch (unit == null ? "" : unit.trim().toLowerCase(java.util.Locale.ROOT)) {
          case "mo", "month", "months" -> 12;
          case "wk", "week", "weeks" -> 52.1775;
          case "d", "day", "days" -> 365.25;
          case "h", "hour", "hours" -> 8766;
          case "min", "minute", "minutes" -> 525960;
          default -> 1;
        };
    return value.divide(BigDecimal.valueOf(perYear), 6, java.math.RoundingMode.FLOOR);
  }

  /** Not empty, and holding every element its type requires. */
  private static boolean complete(Base element) {
    if (element.isEmpty()) {
      return false;
    }
    for (Property p : element.children()) {
      if (p.getMinCardinality() > 0 && !p.hasValues()) {
        return false;
      }
    }
    return true;
  }

  private static boolean isResourceType(String name) {
    try {
      ResourceType.fromCode(name);
      return true;
    } catch (FHIRException e) {
      return false;
    }
  }

  @SuppressWarnings("unchecked")
  private static <T extends Base> T newInstance(T template) {
    try {
      return (T) template.getClass().getDeclaredConstructor().newInstance();
    } catch (InstantiationException
        | IllegalAccessException
        | InvocationTargetException
        | NoSuchMethodException e) {
      throw new IllegalStateException("no empty " + template.fhirType() + " to copy into", e);
    }
  }
}

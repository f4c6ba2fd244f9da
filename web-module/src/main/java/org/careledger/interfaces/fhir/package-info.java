/**
 * The FHIR R4 mapping layer of CareLedger's FHIR interface ({@code /careledger/fhir/{channel}/…}):
 * plain classes that turn FHIR resources into the services' inputs and the services' answers into
 * FHIR resources, built on HAPI FHIR's R4 model. No JAX-RS, no EJB calls; the resources that serve
 * the interface call these.
 *
 * <h2>Errors</h2>
 *
 * Every refusal is a {@link org.careledger.interfaces.fhir.FhirProblem}: a {@code
 * CareLedgerException} (so the REST layer's status mapping applies) with an OperationOutcome issue
 * type and the FHIRPath {@code expression} of the offending element ({@code
 * DocumentReference.subject.identifier.value}, {@code Bundle.entry[2]}); for a search parameter the
 * expression is the parameter's name. {@code CL-1900} (invalid, required, structure): the input is
 * not what the interface requires. {@code CL-1901} (not-supported): valid FHIR asking for what the
 * server does not do (a transaction Bundle, a conditional create, {@code relatesTo}, a Consent
 * limited by period/data/class/code, a search by another code system or with prefixes ne, sa, eb,
 * ap). {@code CL-1902} (security): a patient in a URL's query. {@code CL-1903} (too-costly): an
 * inline document over the limit. No message carries a patient id or clinical text. {@link
 * org.careledger.interfaces.fhir.OperationOutcomes} maps every other code to an issue type and,
 * like the REST problem responses, answers a database outage anywhere in the cause chain as {@code
 * CL-1008} (transient) with a fixed text.
 *
 * <h2>Parsing</h2>
 *
 * Strict: an unknown element ({@code "subjekt"}), an unknown code of a required binding or a
 * malformed value is refused ({@code CL-1900}, structure), never dropped, so a client is not told
 * the ledger took what it ignored. A resource of another type is {@code CL-1900} with expression
 * {@code resourceType}. Output is compact JSON, {@value
 * org.careledger.interfaces.fhir.Fhir#MEDIA_TYPE}; versioned references keep their {@code
 * _history}.
 *
 * <h2>Ids</h2>
 *
 * A resource's id is the record id or transaction id itself when it is a valid FHIR id (every
 * transaction id: 64 hex digits). A record id that is not (it holds {@code _}; the ledger allows
 * them) gets {@code -} and the first 63 hex digits of its SHA-256: stable, valid, and distinct from
 * every id starting with a letter or digit (as record ids created here do); the record id itself
 * stays in {@code masterIdentifier} and in references' {@code identifier}. A reader resolves an id
 * as a record id first.
 *
 * <h2>Patients</h2>
 *
 * CareLedger names a patient {@code system|value} ({@code urn:oid:1.2.3|42}). Inbound, the patient
 * must be named by {@code identifier} with system and value: the server holds no Patient resources,
 * so a literal {@code reference} alone is refused (one given beside an identifier is not followed);
 * the pseudonym system {@code urn:careledger:patient-pseudonym} is refused (it names no patient
 * here). Outbound, the patient's identifier appears only where the caller searched by it; otherwise
 * the channel's pseudonym, system {@code urn:careledger:patient-pseudonym}. Institutions are {@code
 * Organization} references by identifier, system {@code urn:careledger:institution}; no
 * Organization resources are served.
 *
 * <h2>DocumentReference</h2>
 *
 * In (a create): {@code masterIdentifier.value} is the record id, {@code
 * [A-Za-z0-9][A-Za-z0-9._-]{0,63}} (the ledger's 64-character limit, its system is not kept);
 * {@code status} current or absent; one LOINC coding in {@code type} ({@code \d{1,8}-\d}; other
 * codings are ignored, two different LOINC codes refused); exactly one {@code content}, its
 * attachment with {@code contentType} ({@code type/subtype}, lower case, no parameters, as the
 * ledger takes it) and inline {@code data} (no {@code url}: the server does not fetch); the limit
 * applies to the decoded bytes (the REST layer bounds the request body before parsing); {@code
 * size} and {@code hash} (SHA-1), when given, must match the data. Title: {@code description}, else
 * the attachment's title (at most 500 characters, no control characters). Clinical date: {@code
 * context.period.start}, else {@code date}, as its UTC date (a date-only value as written; a year
 * or month alone is refused). Period start comes first, not {@code date}: R4's {@code date} is when
 * the reference was made, and this layer writes the registration time there, so a record shown and
 * sent back keeps its clinical date. {@code docStatus}, {@code category}, {@code author}, {@code
 * custodian}, {@code securityLabel} are not taken: the author and custodian are this node's
 * institution.
 *
 * <p>Out: id as above; {@code meta.versionId} the current version (matching the Provenance's {@code
 * DocumentReference/{id}/_history/{version}}); status current, or entered-in-error once erased
 * (then without content url: the ciphertext is gone); docStatus final; {@code date} the
 * registration time; author and custodian the provider; the ciphertext's SHA-256 as extension
 * {@code https://careledger.org/fhir/StructureDefinition/ciphertext-sha256} on the attachment (R4's
 * {@code attachment.hash} is the SHA-1 of the plaintext, which the chain does not hold); a size
 * beyond an int is left out.
 *
 * <h2>Batches</h2>
 *
 * Only {@code batch} Bundles of creates ({@code POST DocumentReference}), answered entry by entry
 * in a {@code batch-response}. A {@code transaction} is refused ({@code CL-1901}): each record is
 * its own signed ledger commit, and a committed transaction cannot be rolled back because a later
 * entry failed, so all-or-nothing cannot be promised.
 *
 * <h2>Consent</h2>
 *
 * In: status active is permit; inactive or rejected is withdraw; others are refused. A provision of
 * type deny is a withdrawal as well (the ledger holds one decision, permit or withdraw, per patient
 * and grantee). Scope patient-privacy with exactly one {@code provision.actor} (any role) naming
 * the institution by identifier ({@code urn:careledger:institution}); or scope research with
 * purpose {@code v3-ActReason|HRESCH} and no actor; scope and purpose must agree. A category is
 * required (any). Nested provisions and limits by period, data, class, code or security label are
 * refused ({@code CL-1901}) rather than silently widened to an unlimited decision.
 *
 * <p>Out: id the transaction id (also an identifier, {@code urn:careledger:tx}); status active
 * (permit) or inactive (withdraw) with provision type permit or deny; category LOINC 59284-0;
 * performer the patient; organization the recording institution; {@code policyRule} {@code
 * v3-ActCode|OPTIN} (R4 requires a policy or rule); provision actor with role {@code
 * v3-ParticipationType|IRCP}, or purpose HRESCH for research; how it was recorded ({@code staff} or
 * {@code patient}) as extension {@code …/consent-recorded-via}.
 *
 * <h2>AuditEvent</h2>
 *
 * After IHE BALP: type {@code audit-event-type|rest}; subtype the RESTful interaction where one
 * fits (register create, amend update, access-logged, access-refused and break-glass read, erase
 * delete) and always the event kind in {@code urn:careledger:audit-event-kind}; action C, U, R, D
 * (erase) and E for the sharing steps (request, grant, deny, revoke, consent); outcome 4 for
 * access-refused and deny (reason in {@code outcomeDesc}), else 0; purposeOfEvent the basis when it
 * is a PurposeOfUse code, plus BTG for break-glass; agents the author (requestor) and the grantee
 * or accessor when another institution; source the observing node, site the channel, type 4;
 * entities the record, the patient pseudonym and the ledger transaction (details height, channel,
 * basis, reason code).
 *
 * <h2>Provenance</h2>
 *
 * One per record version: target {@code DocumentReference/{id}/_history/{version}}, activity CREATE
 * (version 1) or UPDATE, the author institution as agent and signer. The signature is the author's
 * raw 64-byte Ed25519 signature ({@code sigFormat} application/octet-stream) over the RFC 8785
 * canonical bytes of the transaction ({@code targetFormat} application/json), which is carried as a
 * contained Binary referenced by the source entity, so it can be checked without the ledger; {@code
 * when} is the commit time (the transaction carries no signing time). The block height is extension
 * {@code …/ledger-height} (a string: heights are longs).
 *
 * <h2>Validation</h2>
 *
 * Every resource emitted is checked in the tests by HAPI's instance validator against the R4 core
 * definitions, without ERROR or FATAL messages. What remains are warnings: LOINC cannot be checked
 * without a terminology server, our {@code urn:careledger:…} systems and extensions are unknown to
 * it, and no narrative is generated (it would repeat clinical text and patient ids into HTML).
 */
package org.careledger.interfaces.fhir;

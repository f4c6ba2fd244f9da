/**
 * The de-identification core of a consented research export (issue 10), in plain Java over the HAPI
 * FHIR R4 model: per-export keys for pseudonyms, date shifts and ids ({@link
 * org.careledger.domain.research.ExportKeys}), Safe Harbor de-identification of FHIR resources by
 * default deny ({@link org.careledger.domain.research.SafeHarborDeidentifier}), the k-anonymity
 * check over the patients' quasi-identifiers ({@link org.careledger.domain.research.KAnonymity})
 * and the dataset that puts them together ({@link org.careledger.domain.research.ResearchDataset}).
 */
package org.careledger.domain.research;

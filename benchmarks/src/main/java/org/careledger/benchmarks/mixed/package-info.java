/**
 * The mixed load's logic, without I/O to the nodes: what to do next ({@link
 * org.careledger.benchmarks.mixed.Workload}), the operations log ({@link
 * org.careledger.benchmarks.mixed.OpsLog}), the checks after a run ({@link
 * org.careledger.benchmarks.mixed.ChainChecks}, through an interface the generator implements over
 * HTTP), and the report with its charts ({@link org.careledger.benchmarks.mixed.RunReport}, {@link
 * org.careledger.benchmarks.mixed.TimeChart}). The driver is {@link
 * org.careledger.benchmarks.MixedLoad}.
 */
package org.careledger.benchmarks.mixed;

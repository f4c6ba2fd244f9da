/**
 * JMH benchmarks. {@link org.careledger.benchmarks.PrimitivesBenchmark} measures the raw primitives
 * (the machine's ceiling); CareLedger's own code paths are measured beside them and reported as a
 * ratio. Beside them, load generators for running nodes, started with {@code java -cp
 * benchmarks.jar <class>}: {@link org.careledger.benchmarks.LedgerAppendLoad}, {@link
 * org.careledger.benchmarks.SharingLatency} and {@link org.careledger.benchmarks.MixedLoad} (its
 * pure logic in {@code org.careledger.benchmarks.mixed}).
 */
package org.careledger.benchmarks;

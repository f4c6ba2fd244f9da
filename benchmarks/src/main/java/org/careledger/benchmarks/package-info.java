/**
 * JMH benchmarks. {@link org.careledger.benchmarks.PrimitivesBenchmark} measures the raw primitives
 * (the machine's ceiling); CareLedger's own code paths are measured beside them and reported as a
 * ratio.
 */
package org.careledger.benchmarks;

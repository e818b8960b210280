/** Benchmarks that print keel's time as a ratio against a baseline measured in the same run. */
package dev.keel.bench;

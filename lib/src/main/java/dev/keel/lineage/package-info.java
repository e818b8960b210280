/**
 * Lineage: from a model version back through its splits and the dataset versions they were cut
 * from to the source files, with the runs and code in between, read without Spark.
 */
package dev.keel.lineage;

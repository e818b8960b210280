/**
 * The lakehouse: its layout ({@link dev.keel.lake.LakeLayout}), the SparkSession factory
 * ({@link dev.keel.lake.SparkSessions}) and Delta I/O ({@link dev.keel.lake.DeltaStore}), where a
 * (table, version) pair ({@link dev.keel.lake.TableVersion}) is the unit of data identity.
 */
package dev.keel.lake;

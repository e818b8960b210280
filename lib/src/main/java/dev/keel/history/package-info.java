/**
 * A dataset's life after ingest: its version history, reading any version, what changed between
 * two versions (rows, schema, metrics, drift), rewinding it, and vacuuming files no version that
 * matters still needs.
 *
 * <p>Versions "that matter" are those other keel tables pin: any row of {@code _keel/split_manifests}
 * or {@code _keel/models} with a pair of columns {@code <p>table} (the table path) and
 * {@code <p>version} (its Delta version), e.g. {@code source_table}/{@code source_version} or
 * {@code train_table}/{@code train_version}, pins that version of that table (see {@link dev.keel.history.VersionPins}).
 */
package dev.keel.history;

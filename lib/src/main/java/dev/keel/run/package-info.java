/**
 * Runs: every state-changing command executes as a {@link dev.keel.run.RunContext}, recorded in
 * {@code _keel/runs} ({@link dev.keel.run.RunStore}) and in the audit trail.
 */
package dev.keel.run;

/**
 * The failures keel reports to people and schedulers, each with its documented exit code
 * ({@link dev.keel.error.ExitCode}).
 */
package dev.keel.error;

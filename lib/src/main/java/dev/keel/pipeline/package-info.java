/** The nightly retraining pipeline: its config, its steps as runs, and the state that lets a failed night continue where it stopped. */
package dev.keel.pipeline;

/**
 * Batch scoring: a registered model version applied to a pinned dataset version on Spark
 * executors, predictions written to Delta with the model's identity and the input version on every row.
 */
package dev.keel.score;

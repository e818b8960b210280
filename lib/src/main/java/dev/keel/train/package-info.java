/**
 * Model training with Deeplearning4j: model specs ({@code conf/models/}), the networks they
 * declare, and (as the training issue proceeds) training from pinned splits, checkpoints and
 * model artifacts.
 */
package dev.keel.train;

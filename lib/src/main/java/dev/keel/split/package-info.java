/**
 * Deterministic, leak-free train/validation/test splits materialised as Delta versions, their
 * manifests in {@code _keel/split_manifests}, verification, and {@link dev.keel.split.SplitRef},
 * the only way training and evaluation reach split rows.
 */
package dev.keel.split;

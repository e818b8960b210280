/**
 * Layered configuration (Apache Commons Configuration 2): {@link dev.keel.config.ConfigLoader} builds
 * one validated {@link dev.keel.config.KeelConfig}; each capability reads it through its own typed record.
 */
package dev.keel.config;

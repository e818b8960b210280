/**
 * The append-only, tamper-evident audit trail: a hash chain ({@link dev.keel.audit.AuditChain}) in a
 * Delta table ({@link dev.keel.audit.DeltaAuditLog}), safe with concurrent writer processes, and
 * anchors kept elsewhere ({@link dev.keel.audit.AnchorStore}) that catch truncation.
 */
package dev.keel.audit;

package dev.keel.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.time.Instant;

import org.junit.jupiter.api.Test;

class AuditChainTest {
    private static final Instant T = Instant.parse("2026-11-22T10:15:30.123456Z");

    @Test
    void hashMatchesTheDocumentedCanonicalForm() {
        // Independently computed with: printf 'keel-audit-v1\n1:1\n2:e1\n16:1795342530123456\n3:ada\n4:note\n3:m@1\n2:r1\n2:{}\n64:<64 zeros>\n' | sha256sum
        // Changing the canonical form would orphan every existing audit table.
        assertEquals("50990a17fbe1379707dbcfbc043ca316d9b03d6aceb350c69c6aa9bdd6f4936a",
                AuditChain.hash(1, "e1", T, "ada", "note", "m@1", "r1", "{}", AuditChain.GENESIS));
    }

    @Test
    void everyFieldTakesPart() {
        String base = AuditChain.hash(1, "e1", T, "ada", "note", "m@1", "r1", "{}", AuditChain.GENESIS);
        assertNotEquals(base, AuditChain.hash(2, "e1", T, "ada", "note", "m@1", "r1", "{}", AuditChain.GENESIS));
        assertNotEquals(base, AuditChain.hash(1, "e2", T, "ada", "note", "m@1", "r1", "{}", AuditChain.GENESIS));
        assertNotEquals(base, AuditChain.hash(1, "e1", T.plusNanos(1000), "ada", "note", "m@1", "r1", "{}", AuditChain.GENESIS));
        assertNotEquals(base, AuditChain.hash(1, "e1", T, "bob", "note", "m@1", "r1", "{}", AuditChain.GENESIS));
        assertNotEquals(base, AuditChain.hash(1, "e1", T, "ada", "promote", "m@1", "r1", "{}", AuditChain.GENESIS));
        assertNotEquals(base, AuditChain.hash(1, "e1", T, "ada", "note", "m@2", "r1", "{}", AuditChain.GENESIS));
        assertNotEquals(base, AuditChain.hash(1, "e1", T, "ada", "note", "m@1", "r2", "{}", AuditChain.GENESIS));
        assertNotEquals(base, AuditChain.hash(1, "e1", T, "ada", "note", "m@1", "r1", "{\"a\":1}", AuditChain.GENESIS));
        assertNotEquals(base, AuditChain.hash(1, "e1", T, "ada", "note", "m@1", "r1", "{}", "1".repeat(64)));
    }

    @Test
    void fieldBoundariesCannotBeShifted() {
        assertNotEquals(AuditChain.hash(1, "e", T, "ab", "c", "s", "r", "{}", AuditChain.GENESIS),
                AuditChain.hash(1, "e", T, "a", "bc", "s", "r", "{}", AuditChain.GENESIS));
    }
}

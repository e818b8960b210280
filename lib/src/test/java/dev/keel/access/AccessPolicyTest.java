package dev.keel.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.keel.build.Digests;

/** Roles through everyone, users and groups; families and wildcards; a policy's mistakes named with their line. */
class AccessPolicyTest {
    private static final String POLICY = """
            roles:
              contributor: [data.ingest, model.train, model.promote.staging]
              release-manager: ["model.promote.*"]
              admin: ["*"]
            everyone: [contributor]
            users:
              alice: [admin]
            groups:
              releasers: { members: [bob, carol], roles: [release-manager] }
            """;

    @Test
    void rolesComeFromEveryoneUsersAndGroups() {
        AccessPolicy policy = AccessPolicyParser.parse("policy.yaml", POLICY);
        assertEquals(Digests.sha256Hex(POLICY.getBytes(java.nio.charset.StandardCharsets.UTF_8)), policy.sha256());

        Decision mallory = policy.decide("mallory", Permissions.promote("champion"));
        assertFalse(mallory.allowed());
        assertEquals(List.of("contributor"), mallory.roles());
        assertEquals(Optional.of("contributor"), policy.decide("mallory", Permissions.promote("staging")).grantedBy());
        assertFalse(policy.decide("mallory", Permissions.DATA_VACUUM).allowed());

        Decision bob = policy.decide("bob", Permissions.promote("champion"));
        assertEquals(Optional.of("release-manager"), bob.grantedBy());
        assertEquals(List.of("contributor", "release-manager"), bob.roles());
        assertFalse(policy.decide("bob", Permissions.MODEL_FORCE).allowed(), "model.promote.* does not cover forcing past gates");
        assertEquals(Optional.of("admin"), policy.decide("alice", Permissions.DATA_VACUUM).grantedBy());
        assertEquals(List.of("admin", "release-manager"), policy.rolesGranting(Permissions.promote("champion")));
        assertEquals("policy.yaml", bob.details().get("policy"));
        assertEquals(policy.sha256(), bob.details().get("policy_sha256"));
    }

    @Test
    void theShippedPolicyParsesAndKeepsChampionForReleaseManagers() {
        AccessPolicy shipped = AccessPolicyParser.parse(Path.of("..", "conf", "access-policy.yaml"));
        assertTrue(shipped.decide("anyone", Permissions.MODEL_TRAIN).allowed());
        assertTrue(shipped.decide("anyone", Permissions.promote("staging")).allowed());
        assertFalse(shipped.decide("anyone", Permissions.promote("champion")).allowed());
        assertFalse(shipped.decide("anyone", Permissions.DATA_VACUUM).allowed());
        assertTrue(shipped.decide("release-bot", Permissions.promote("champion")).allowed());
    }

    @Test
    void mistakesAreNamedWithFileLineAndField() {
        AccessPolicyException typo = assertThrows(AccessPolicyException.class, () -> AccessPolicyParser.parse("p.yaml",
                "roles:\n  r: [model.trian]\n"));
        assertTrue(typo.getMessage().startsWith("Access policy p.yaml:2: roles.r[0]: 'model.trian' is no permission keel checks"),
                typo.getMessage());
        AccessPolicyException undefined = assertThrows(AccessPolicyException.class, () -> AccessPolicyParser.parse("p.yaml",
                "roles:\n  r: [model.train]\neveryone: [r]\nusers:\n  bob: [releaser]\n"));
        assertTrue(undefined.getMessage().startsWith("Access policy p.yaml:5: users.bob[0]: role 'releaser' is not defined under "
                + "roles: defined are r"), undefined.getMessage());
        AccessPolicyException field = assertThrows(AccessPolicyException.class, () -> AccessPolicyParser.parse("p.yaml",
                "roles: {}\nadmins: [x]\n"));
        assertTrue(field.getMessage().contains("p.yaml:2: admins: unknown field"), field.getMessage());
        assertTrue(Permissions.isKnown("model.promote.champion"));
        assertFalse(Permissions.isKnown("model.promote.Champion!"));
    }
}

package dev.keel.access;

import static java.util.Objects.requireNonNull;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the policy decided for one actor and permission.
 *
 * @param actor who asked
 * @param permission what was asked for
 * @param roles every role the actor holds
 * @param grantedBy the role that grants it; empty when denied
 * @param policy the policy file that decided
 * @param policySha256 its SHA-256, or {@code none} when no policy is configured
 */
public record Decision(String actor, String permission, List<String> roles, Optional<String> grantedBy, String policy,
        String policySha256) {
    public Decision {
        requireNonNull(actor, "actor");
        requireNonNull(permission, "permission");
        roles = List.copyOf(roles);
        requireNonNull(grantedBy, "grantedBy");
        requireNonNull(policy, "policy");
        requireNonNull(policySha256, "policySha256");
    }

    public boolean allowed() {
        return grantedBy.isPresent();
    }

    /** The decision as audit-event details. */
    public Map<String, Object> details() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("permission", permission);
        d.put("allowed", allowed());
        d.put("roles", roles);
        grantedBy.ifPresent(r -> d.put("granted_by", r));
        d.put("policy", policy);
        d.put("policy_sha256", policySha256);
        return d;
    }
}

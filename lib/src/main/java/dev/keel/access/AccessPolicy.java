package dev.keel.access;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Who may do what: roles are sets of permission patterns; users get roles directly, through the
 * groups they are members of, and through {@code everyone}. Nothing is allowed that no role grants.
 *
 * @param file where the policy was read from
 * @param sha256 SHA-256 of the policy file, recorded with every decision
 * @param roles role name to granted permission patterns
 * @param everyone roles every actor holds
 * @param users user name to roles
 * @param groups group name to its members and its roles
 */
public record AccessPolicy(String file, String sha256, Map<String, List<String>> roles, List<String> everyone,
        Map<String, List<String>> users, Map<String, Group> groups) {

    /** Where no policy is configured ({@code access.policy} unset): every action is allowed and recorded as such. */
    public static final AccessPolicy OPEN = new AccessPolicy("none (access.policy is not set)", "none",
            Map.of("unrestricted", List.of("*")), List.of("unrestricted"), Map.of(), Map.of());

    /**
     * A group of users sharing roles.
     *
     * @param members user names
     * @param roles the roles every member holds
     */
    public record Group(List<String> members, List<String> roles) {
        public Group {
            members = List.copyOf(members);
            roles = List.copyOf(roles);
        }
    }

    public AccessPolicy {
        requireNonNull(file, "file");
        requireNonNull(sha256, "sha256");
        roles = Map.copyOf(roles);
        everyone = List.copyOf(everyone);
        users = Map.copyOf(users);
        groups = Map.copyOf(groups);
    }

    /** Every role {@code actor} holds: from everyone, by name, then by group, each once. */
    public List<String> rolesOf(String actor) {
        Set<String> held = new LinkedHashSet<>(everyone);
        held.addAll(users.getOrDefault(actor, List.of()));
        groups.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .filter(g -> g.getValue().members().contains(actor))
                .forEach(g -> held.addAll(g.getValue().roles()));
        return new ArrayList<>(held);
    }

    public Decision decide(String actor, String permission) {
        List<String> held = rolesOf(actor);
        Optional<String> grantedBy = held.stream()
                .filter(r -> roles.getOrDefault(r, List.of()).stream().anyMatch(p -> Permissions.covers(p, permission)))
                .findFirst();
        return new Decision(actor, permission, held, grantedBy, file, sha256);
    }

    /** The roles that grant {@code permission}, for telling a denied user whom to ask. */
    public List<String> rolesGranting(String permission) {
        return roles.entrySet().stream().filter(r -> r.getValue().stream().anyMatch(p -> Permissions.covers(p, permission)))
                .map(Map.Entry::getKey).sorted().toList();
    }
}

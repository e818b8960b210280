package dev.keel.access;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import dev.keel.yaml.YamlDocument;
import dev.keel.yaml.YamlNode;

/**
 * Reads an access policy from YAML and checks all of it: a granted permission no keel action
 * checks, a role that is not defined, or a malformed name is an error naming the file, line and
 * field, so that a typo never silently denies (or allows) anything.
 *
 * <pre>
 * roles:
 *   ml-engineer: [model.train, model.register, model.promote.staging]
 *   release-manager: [model.promote.*]
 * everyone: [ml-engineer]
 * users:
 *   alice: [release-manager]
 * groups:
 *   release-managers: { members: [bob, carol], roles: [release-manager] }
 * </pre>
 */
public final class AccessPolicyParser {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.@-]{0,99}");

    private AccessPolicyParser() {
    }

    public static AccessPolicy parse(Path file) {
        return parse(YamlDocument.read(file, "access policy", "check access.policy ('keel config show' says where it is set)"));
    }

    /** Parses policy text that did not come from a file of its own (a test). */
    public static AccessPolicy parse(String name, String yaml) {
        return parse(YamlDocument.of(name, yaml));
    }

    private static AccessPolicy parse(YamlDocument document) {
        YamlNode root = document.root(AccessPolicyException::new);
        Map<String, YamlNode> top = root.mapping(Set.of("roles", "everyone", "users", "groups"));
        Map<String, List<String>> roles = new LinkedHashMap<>();
        for (Map.Entry<String, YamlNode> role : root.required(top, "roles").freeMapping().entrySet()) {
            List<String> granted = new ArrayList<>();
            checkName(role.getValue(), role.getKey(), "role");
            for (YamlNode p : role.getValue().sequenceOrScalar()) {
                String pattern = p.nonBlankText().trim();
                if (!Permissions.isUseful(pattern)) {
                    throw p.error("'" + pattern + "' is no permission keel checks: use one of " + String.join(", ", Permissions.FIXED)
                            + ", model.promote.<alias>, a family such as model.promote.* or *");
                }
                granted.add(pattern);
            }
            roles.put(role.getKey(), granted);
        }
        List<String> everyone = YamlNode.optional(top, "everyone").map(n -> roleList(n, roles)).orElse(List.of());
        Map<String, List<String>> users = new LinkedHashMap<>();
        YamlNode.optional(top, "users").ifPresent(n -> n.freeMapping().forEach((user, held) -> {
            checkName(held, user, "user");
            users.put(user, roleList(held, roles));
        }));
        Map<String, AccessPolicy.Group> groups = new LinkedHashMap<>();
        YamlNode.optional(top, "groups").ifPresent(n -> n.freeMapping().forEach((group, body) -> {
            checkName(body, group, "group");
            Map<String, YamlNode> fields = body.mapping(Set.of("members", "roles"));
            List<String> members = new ArrayList<>();
            for (YamlNode m : body.required(fields, "members").sequenceOrScalar()) {
                members.add(checkName(m, m.nonBlankText().trim(), "member"));
            }
            groups.put(group, new AccessPolicy.Group(members, roleList(body.required(fields, "roles"), roles)));
        }));
        return new AccessPolicy(document.name(), document.sha256(), roles, everyone, users, groups);
    }

    private static List<String> roleList(YamlNode node, Map<String, List<String>> roles) {
        List<String> held = new ArrayList<>();
        for (YamlNode r : node.sequenceOrScalar()) {
            String role = r.nonBlankText().trim();
            if (!roles.containsKey(role)) {
                throw r.error("role '" + role + "' is not defined under roles: defined are " + String.join(", ", roles.keySet()));
            }
            held.add(role);
        }
        return held;
    }

    private static String checkName(YamlNode where, String name, String kind) {
        if (!NAME.matcher(name).matches()) {
            throw where.error("invalid " + kind + " name '" + name + "': use letters, digits, '.', '_', '@' or '-'");
        }
        return name;
    }
}

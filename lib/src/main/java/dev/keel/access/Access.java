package dev.keel.access;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * What a run needs from the access policy before it may start.
 *
 * @param subject what the action is done to (a dataset, a model reference), named in a denial
 * @param permissions every permission the action needs
 */
public record Access(String subject, List<String> permissions) {
    public Access {
        requireNonNull(subject, "subject");
        permissions = List.copyOf(permissions);
        for (String p : permissions) {
            if (!Permissions.isKnown(p)) {
                throw new IllegalArgumentException("Cannot check access: unknown permission " + p);
            }
        }
    }

    public static Access to(String subject, String... permissions) {
        return new Access(subject, List.of(permissions));
    }

    /** This access with {@code more} permissions needed too. */
    public Access and(String... more) {
        List<String> all = new java.util.ArrayList<>(permissions);
        all.addAll(List.of(more));
        return new Access(subject, all);
    }
}

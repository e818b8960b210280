package dev.keel.access;

import dev.keel.error.UsageException;

/** A problem in the access policy file, reported with its file, line and field. Exit 2. */
public final class AccessPolicyException extends UsageException {
    private static final long serialVersionUID = 1L;

    public AccessPolicyException(String file, int line, String field, String problem) {
        super("Access policy " + file + (line > 0 ? ":" + line : "") + ": " + field + ": " + problem);
    }
}

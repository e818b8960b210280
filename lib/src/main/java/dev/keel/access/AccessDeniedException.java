package dev.keel.access;

import dev.keel.error.ExitCode;
import dev.keel.error.KeelException;

/** The access policy does not give the actor a permission the action needs. Exit 6. */
public final class AccessDeniedException extends KeelException {
    private static final long serialVersionUID = 1L;

    public AccessDeniedException(String message) {
        super(ExitCode.ACCESS_DENIED, message);
    }
}

package dev.keel.release;

import dev.keel.error.ExitCode;
import dev.keel.error.KeelException;

/** A model version has not passed the gates an action needs. Exit 4. */
public final class GateFailedException extends KeelException {
    private static final long serialVersionUID = 1L;

    public GateFailedException(String message) {
        super(ExitCode.MODEL_GATE, message);
    }
}

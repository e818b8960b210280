package dev.keel.error;

/** Data failed a quality or integrity check (a broken audit chain, a failed dataset rule). Exit 3. */
public class IntegrityException extends KeelException {
    private static final long serialVersionUID = 1L;

    public IntegrityException(String message) {
        super(ExitCode.DATA_QUALITY, message);
    }
}

package dev.keel.access;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The permissions keel checks. {@code model.promote.<alias>} is one permission per alias;
 * a policy grants a family with a trailing {@code .*} ({@code model.promote.*}) or everything with {@code *}.
 */
public final class Permissions {
    public static final String DATA_INGEST = "data.ingest";
    public static final String DATA_SPLIT = "data.split";
    public static final String DATA_RESTORE = "data.restore";
    public static final String DATA_VACUUM = "data.vacuum";
    public static final String MODEL_TRAIN = "model.train";
    public static final String MODEL_REGISTER = "model.register";
    public static final String MODEL_EVALUATE = "model.evaluate";
    public static final String MODEL_TAG = "model.tag";
    public static final String MODEL_EXPORT = "model.export";
    public static final String MODEL_SCORE = "model.score";
    public static final String MODEL_FORCE = "model.force";
    public static final String AUDIT_NOTE = "audit.note";
    public static final String AUDIT_ANCHOR = "audit.anchor";

    /** Every fixed permission; {@code model.promote.<alias>} comes on top. */
    public static final List<String> FIXED = List.of(DATA_INGEST, DATA_SPLIT, DATA_RESTORE, DATA_VACUUM, MODEL_TRAIN,
            MODEL_REGISTER, MODEL_EVALUATE, MODEL_TAG, MODEL_EXPORT, MODEL_SCORE, MODEL_FORCE, AUDIT_NOTE, AUDIT_ANCHOR);

    private static final String PROMOTE = "model.promote.";
    private static final Pattern ALIAS = Pattern.compile("[a-z][a-z0-9_-]{0,63}");

    private Permissions() {
    }

    /** The permission to move {@code alias}. */
    public static String promote(String alias) {
        return PROMOTE + alias;
    }

    /** Whether {@code permission} is one keel checks. */
    public static boolean isKnown(String permission) {
        return FIXED.contains(permission) || permission.startsWith(PROMOTE)
                && ALIAS.matcher(permission.substring(PROMOTE.length())).matches();
    }

    /** Whether a granted pattern ({@code x.y}, {@code x.*} or {@code *}) covers {@code permission}. */
    static boolean covers(String pattern, String permission) {
        if (pattern.equals("*")) {
            return true;
        }
        if (pattern.endsWith(".*")) {
            return permission.startsWith(pattern.substring(0, pattern.length() - 1));
        }
        return pattern.equals(permission);
    }

    /** Whether a granted pattern can ever cover a permission keel checks (catches typos in a policy). */
    static boolean isUseful(String pattern) {
        if (pattern.equals("*")) {
            return true;
        }
        if (pattern.endsWith(".*")) {
            String prefix = pattern.substring(0, pattern.length() - 1);
            return FIXED.stream().anyMatch(p -> p.startsWith(prefix)) || PROMOTE.startsWith(prefix);
        }
        return isKnown(pattern);
    }
}

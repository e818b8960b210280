package dev.keel.demo;

import java.util.List;

/**
 * A kind of dirt the demo drop injects, how many images get it, and the quarantine reason(s) it
 * must produce (a pixel fault names the pixel it hit, so its reason is completed per row).
 */
public enum Fault {
    /** The line is cut after a few pixels: wrong field count. */
    TRUNCATED_LINE(5, "malformed"),
    /** The image id opens a quote that never closes. */
    UNCLOSED_QUOTE(3, "malformed"),
    /** The station name is written in ISO-8859-1 in the one file exported by an older scanner. */
    LATIN1_STATION(0, "malformed"),
    /** One pixel is "NA". */
    MISSING_PIXEL(8, "not_null:pixel_"),
    /** One pixel is outside 0..16. */
    PIXEL_OUT_OF_RANGE(8, "pixel_in_range:pixel_"),
    /** The label is 10. */
    LABEL_OUT_OF_RANGE(4, "label_is_digit:label"),
    /** The label is "NULL". */
    MISSING_LABEL(3, "not_null:label"),
    /** Every pixel is 0: the scanner saw nothing. */
    BLANK_IMAGE(3, "not_blank"),
    /** The scan time is in day/month/year order, not the contract's format. */
    BAD_TIMESTAMP(4, "type:scanned_at"),
    /** The image id has a dash and capital letter the id format does not allow. */
    BAD_IMAGE_ID(3, "image_id_format:image_id"),
    /** The image is scanned again a month later; the rescan replaces the original, which is dropped as a duplicate. */
    RESCAN(30);

    private final int images;
    private final List<String> reasons;

    Fault(int images, String... reasons) {
        this.images = images;
        this.reasons = List.of(reasons);
    }

    /** How many images get this fault (LATIN1_STATION: decided by station, not by count). */
    public int images() {
        return images;
    }

    /** The reason(s) quarantine must record; empty for RESCAN, which is not quarantined. */
    public List<String> reasons() {
        return reasons;
    }
}

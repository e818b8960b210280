package dev.keel.demo;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * One image the drop made dirty.
 *
 * @param imageId the image's clean id ({@code d00042})
 * @param fault what was done to it
 * @param file the raw file holding the dirty line
 * @param reasons the exact quarantine reasons it must get (empty for a rescan)
 */
public record InjectedFault(String imageId, Fault fault, String file, List<String> reasons) {
    public InjectedFault {
        requireNonNull(imageId, "imageId");
        requireNonNull(fault, "fault");
        requireNonNull(file, "file");
        reasons = List.copyOf(reasons);
    }
}

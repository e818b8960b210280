package dev.keel.lake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

import dev.keel.config.Locations;
import dev.keel.error.UsageException;
import dev.keel.lake.LakeLayout.KeelTable;

class LakeLayoutTest {
    private final LakeLayout local = new LakeLayout("/srv/lake");
    private final LakeLayout s3 = new LakeLayout("s3a://bucket/prefix");

    @Test
    void tablesLiveWhereTheDesignSays() {
        assertEquals("/srv/lake/datasets/digits", local.dataset("digits"));
        assertEquals("/srv/lake/quarantine/digits", local.quarantine("digits"));
        assertEquals("/srv/lake/raw/digits", local.raw("digits"));
        assertEquals("/srv/lake/splits/digits", local.splits("digits"));
        assertEquals("/srv/lake/models/digits-mlp/3", local.model("digits-mlp", 3));
        assertEquals("/srv/lake/checkpoints/20261122-101010-abcdef01", local.checkpoints("20261122-101010-abcdef01"));
        assertEquals("s3a://bucket/prefix/_keel/audit", s3.keel(KeelTable.AUDIT));
        assertEquals("s3a://bucket/prefix/_keel/split_manifests", s3.keel(KeelTable.SPLIT_MANIFESTS));
    }

    @Test
    void namesThatAreNotSafeDirectoriesAreRefused() {
        UsageException e = assertThrows(UsageException.class, () -> local.dataset("../etc"));
        assertEquals("Invalid dataset name '../etc': use 1-100 lower-case letters, digits, '-' and '_', starting with a "
                + "letter or digit", e.getMessage());
        assertThrows(UsageException.class, () -> local.dataset("Digits"));
        assertThrows(UsageException.class, () -> local.model("m", 0));
    }

    @Test
    void locationsNormalise() {
        assertEquals("s3a://b/p", Locations.normalize("s3a://b/p///"));
        assertEquals("/tmp/x", Locations.normalize("file:///tmp/a/../x"));
        assertEquals("hdfs://nn:8020/lake", Locations.normalize("hdfs://nn:8020/lake/"));
        assertEquals("s3a://b/p/_keel", Locations.join("s3a://b/p", "_keel"));
    }
}

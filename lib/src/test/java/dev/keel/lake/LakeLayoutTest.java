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
    void recordsNameLocationsRelativeToTheRootAndLocateThemInTheLakeThatReadsThem() {
        assertEquals("splits/digits", local.name("/srv/lake/splits/digits"));
        assertEquals("raw/digits/part-1.csv", local.name("file:/srv/lake/raw/digits/part-1.csv"));
        assertEquals("models/digits-mlp/3", s3.name("s3a://bucket/prefix/models/digits-mlp/3"));
        assertEquals("file:/data/incoming/a.csv", local.name("file:/data/incoming/a.csv"), "outside the lake: kept as given");
        assertEquals("/srv/lake2/datasets/x", local.name("/srv/lake2/datasets/x"), "a sibling directory is not inside");

        LakeLayout copy = new LakeLayout("/backup/lake-copy");
        assertEquals("/backup/lake-copy/splits/digits", copy.locate("splits/digits"));
        assertEquals("s3a://bucket/prefix/splits/digits", s3.locate("splits/digits"));
        assertEquals("/backup/lake-copy/splits/digits", copy.locate("/backup/lake-copy/splits/digits"));
    }

    @Test
    void absoluteNamesFromBeforeRelativeRecordsAreReadByTheLayoutNeverAsTheOriginalLake() {
        LakeLayout copy = new LakeLayout("s3a://other/moved");
        assertEquals("s3a://other/moved/splits/digits", copy.locate("/home/x/lakehouse/splits/digits"));
        assertEquals("s3a://other/moved/models/digits-mlp/2", copy.locate("/home/x/lakehouse/models/digits-mlp/2"));
        assertEquals("s3a://other/moved/models/datasets/2/model.zip", copy.locate("/home/x/lakehouse/models/datasets/2/model.zip"),
                "a model named like a lake directory");
        assertEquals("s3a://other/moved/splits/digits", copy.locate("/data/datasets/lake/splits/digits"),
                "an old root that itself holds a lake directory's name");
        assertEquals("s3a://other/moved/_keel/runs", copy.locate("file:/home/x/lakehouse/_keel/runs"));
        assertEquals("s3a://other/moved/raw/digits/2026/part-1.csv", copy.locate("file:/home/x/lakehouse/raw/digits/2026/part-1.csv"));
        assertEquals("file:/data/incoming/a.csv", copy.locate("file:/data/incoming/a.csv"), "not a lake location: as it was");
        assertEquals(true, copy.same("/home/x/lakehouse/datasets/digits", "s3a://other/moved/datasets/digits"));
    }

    @Test
    void locationsNormalise() {
        assertEquals("s3a://b/p", Locations.normalize("s3a://b/p///"));
        assertEquals("/tmp/x", Locations.normalize("file:///tmp/a/../x"));
        assertEquals("hdfs://nn:8020/lake", Locations.normalize("hdfs://nn:8020/lake/"));
        assertEquals("s3a://b/p/_keel", Locations.join("s3a://b/p", "_keel"));
    }
}

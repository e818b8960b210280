package dev.keel.demo;

import static java.util.Objects.requireNonNull;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.zip.GZIPInputStream;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The demo's raw drop: the real handwritten-digits data set (1797 8x8 images shipped with
 * scikit-learn, see {@code DIGITS-LICENSE.txt}) written as the CSV files a fleet of scanning
 * stations would deliver, with realistic dirt injected deterministically so that ingest has
 * something to quarantine.
 *
 * <p>Each image becomes one line: {@code image_id} ({@code d00000}..{@code d01796}),
 * {@code scanned_at} (37 s apart from 2024-03-01 08:00:00), {@code station} (spelled
 * inconsistently, as people type it), the 64 pixels and the label. Images are spread over
 * {@value #PARTS} files of consecutive ids; part 3 comes from an older scanner that writes
 * ISO-8859-1, so its non-ASCII station names do not decode as the contract's UTF-8. A fixed seed
 * picks which images get each {@link Fault}, so every run writes byte-identical files and the
 * {@link DropManifest} states exactly what ingest must quarantine and why. Rescans go to a
 * separate file, a month after the originals.
 */
public final class DigitsDrop {
    public static final long SEED = 1797L;
    public static final int PARTS = 4;
    public static final int LATIN1_PART = 3;
    public static final String RESCANS = "digits-rescans.csv";
    private static final int PIXELS = 64;
    private static final String RESOURCE = "digits.csv.gz";
    private static final LocalDateTime FIRST_SCAN = LocalDateTime.of(2024, 3, 1, 8, 0);
    private static final DateTimeFormatter SCAN_FORMAT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    private static final DateTimeFormatter BAD_SCAN_FORMAT = DateTimeFormatter.ofPattern("dd/MM/yyyy HH:mm");
    private static final List<String> STATIONS = List.of("Lab North", "lab  north", " LAB-SOUTH ", "Field A", "field-b", "Zürich Süd", "");
    private static final List<String> LATIN1_STATIONS = List.of("Besançon", "Malmö", "Zürich Süd");

    private final List<int[]> images;

    private DigitsDrop(List<int[]> images) {
        this.images = List.copyOf(images);
    }

    /** The shipped data set. */
    public static DigitsDrop shipped() {
        try (InputStream in = DigitsDrop.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("Resource " + RESOURCE + " is missing from the keel jar: rebuild it");
            }
            List<int[]> rows = new ArrayList<>();
            BufferedReader lines = new BufferedReader(new InputStreamReader(new GZIPInputStream(in), StandardCharsets.US_ASCII));
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                rows.add(Arrays.stream(line.split(",")).mapToInt(v -> (int) Double.parseDouble(v)).toArray());
            }
            return new DigitsDrop(rows);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + RESOURCE, e);
        }
    }

    public int images() {
        return images.size();
    }

    /**
     * Writes the drop into {@code directory} (any Hadoop file system). Files already there with the
     * same bytes are left untouched, so their modification time, and with it ingest's idea of what
     * is new, does not change.
     */
    public DropManifest write(Configuration hadoop, String directory) {
        Map<Fault, List<Integer>> picked = pickFaults();
        Fault[] faultOf = new Fault[images.size()];
        picked.forEach((fault, ids) -> ids.forEach(i -> faultOf[i] = fault));

        List<InjectedFault> faults = new ArrayList<>();
        List<String> files = new ArrayList<>();
        SplittableRandom noise = new SplittableRandom(SEED + 1);
        int perPart = (images.size() + PARTS - 1) / PARTS;
        long lines = 0;
        for (int part = 1; part <= PARTS; part++) {
            String file = "digits-part-" + part + ".csv";
            boolean latin1 = part == LATIN1_PART;
            StringBuilder text = new StringBuilder(header());
            for (int i = (part - 1) * perPart; i < Math.min(part * perPart, images.size()); i++) {
                String station = STATIONS.get(noise.nextInt(STATIONS.size()));
                if (latin1 && faultOf[i] == null && i % 9 == 0) {
                    station = LATIN1_STATIONS.get(i % LATIN1_STATIONS.size());
                    faults.add(new InjectedFault(id(i), Fault.LATIN1_STATION, file, Fault.LATIN1_STATION.reasons()));
                } else if (latin1) {
                    station = station.replace("Zürich Süd", "Zurich Sud");
                }
                text.append(line(i, faultOf[i] == Fault.RESCAN ? null : faultOf[i], station, 0, noise, faults, file));
                lines++;
            }
            files.add(file);
            put(hadoop, new Path(directory, file), text.toString(), latin1 ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8);
        }
        StringBuilder rescans = new StringBuilder(header());
        for (int i : picked.get(Fault.RESCAN)) {
            faults.add(new InjectedFault(id(i), Fault.RESCAN, RESCANS, List.of()));
            rescans.append(line(i, null, "Lab North", 30, noise, faults, RESCANS));
            lines++;
        }
        files.add(RESCANS);
        put(hadoop, new Path(directory, RESCANS), rescans.toString(), StandardCharsets.UTF_8);
        return new DropManifest(directory, files, lines, faults);
    }

    /**
     * A later night's delivery: {@code digits-batch-<night>.csv}, new scans of every third image
     * shifted one pixel to the right (the scanner's feed drifted), with ids from {@code d<night>0000}
     * and scan times {@code night - 1} days after the first drop, a few of them dirty (a label out
     * of range, a missing pixel) so that the night's quality gate has something to quarantine.
     * Like {@link #write}, an unchanged file is left untouched.
     *
     * @param night 2 to 9
     */
    public DropManifest writeBatch(Configuration hadoop, String directory, int night) {
        if (night < 2 || night > 9) {
            throw new IllegalArgumentException("Cannot write a batch for night " + night + ": give 2 to 9 (night 1 is the shipped drop)");
        }
        String file = "digits-batch-" + night + ".csv";
        SplittableRandom noise = new SplittableRandom(SEED + night);
        StringBuilder text = new StringBuilder(header());
        List<InjectedFault> faults = new ArrayList<>();
        long lines = 0;
        for (int i = night % 3; i < images.size(); i += 3) {
            int n = (int) lines;
            int[] image = images.get(i).clone();
            for (int row = 0; row < 8; row++) {
                System.arraycopy(images.get(i), row * 8, image, row * 8 + 1, 7);
                image[row * 8] = 0;
            }
            String[] fields = new String[PIXELS + 4];
            fields[0] = String.format("d%d%04d", night, n);
            fields[1] = FIRST_SCAN.plusDays(night - 1L).plusSeconds(41L * n).format(SCAN_FORMAT);
            fields[2] = STATIONS.get(noise.nextInt(STATIONS.size() - 1));
            for (int p = 0; p < PIXELS; p++) {
                fields[3 + p] = Integer.toString(image[p]);
            }
            fields[3 + PIXELS] = Integer.toString(image[PIXELS]);
            if (n % 150 == 7) {
                fields[3 + PIXELS] = "10";
                faults.add(new InjectedFault(fields[0], Fault.LABEL_OUT_OF_RANGE, file, Fault.LABEL_OUT_OF_RANGE.reasons()));
            } else if (n % 150 == 77) {
                fields[3 + 30] = "NA";
                faults.add(new InjectedFault(fields[0], Fault.MISSING_PIXEL, file, List.of(Fault.MISSING_PIXEL.reasons().get(0) + 30)));
            }
            text.append(String.join(",", fields)).append('\n');
            lines++;
        }
        put(hadoop, new Path(directory, file), text.toString(), StandardCharsets.UTF_8);
        return new DropManifest(directory, List.of(file), lines, faults);
    }

    private Map<Fault, List<Integer>> pickFaults() {
        int[] order = new int[images.size()];
        Arrays.setAll(order, i -> i);
        SplittableRandom random = new SplittableRandom(SEED);
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        int perPart = (images.size() + PARTS - 1) / PARTS;
        Map<Fault, List<Integer>> picked = new EnumMap<>(Fault.class);
        int next = 0;
        for (Fault fault : Fault.values()) {
            List<Integer> ids = new ArrayList<>();
            while (ids.size() < fault.images()) {
                int candidate = order[next++];
                boolean latin1Station = (candidate / perPart) + 1 == LATIN1_PART && candidate % 9 == 0;
                if (!latin1Station) {
                    ids.add(candidate);
                }
            }
            ids.sort(Integer::compare);
            picked.put(fault, ids);
        }
        return picked;
    }

    private static String header() {
        StringBuilder header = new StringBuilder("image_id,scanned_at,station");
        for (int p = 0; p < PIXELS; p++) {
            header.append(",pixel_").append(p);
        }
        return header.append(",label\n").toString();
    }

    private String line(int i, Fault fault, String station, int daysLater, SplittableRandom noise, List<InjectedFault> faults,
            String file) {
        int[] image = images.get(i).clone();
        String[] fields = new String[PIXELS + 4];
        LocalDateTime scanned = FIRST_SCAN.plusSeconds(37L * i).plusDays(daysLater);
        fields[0] = id(i);
        fields[1] = scanned.format(SCAN_FORMAT);
        fields[2] = station;
        for (int p = 0; p < PIXELS; p++) {
            fields[3 + p] = Integer.toString(image[p]);
        }
        fields[3 + PIXELS] = Integer.toString(image[PIXELS]);
        List<String> reasons = new ArrayList<>(fault == null ? List.of() : fault.reasons());
        if (fault != null) {
            switch (fault) {
                case TRUNCATED_LINE -> fields = Arrays.copyOf(fields, 3 + 10 + noise.nextInt(20));
                case UNCLOSED_QUOTE -> fields[0] = "\"" + fields[0];
                case MISSING_PIXEL -> {
                    int p = noise.nextInt(PIXELS);
                    fields[3 + p] = "NA";
                    reasons.set(0, reasons.get(0) + p);
                }
                case PIXEL_OUT_OF_RANGE -> {
                    int p = noise.nextInt(PIXELS);
                    fields[3 + p] = Integer.toString(noise.nextBoolean() ? -1 : 17 + noise.nextInt(8));
                    reasons.set(0, reasons.get(0) + p);
                }
                case LABEL_OUT_OF_RANGE -> fields[3 + PIXELS] = "10";
                case MISSING_LABEL -> fields[3 + PIXELS] = "NULL";
                case BLANK_IMAGE -> Arrays.fill(fields, 3, 3 + PIXELS, "0");
                case BAD_TIMESTAMP -> fields[1] = scanned.format(BAD_SCAN_FORMAT);
                case BAD_IMAGE_ID -> fields[0] = "D-" + fields[0].substring(1);
                case LATIN1_STATION, RESCAN -> throw new IllegalArgumentException(fault + " is not a per-line fault");
            }
            faults.add(new InjectedFault(id(i), fault, file, reasons));
        }
        return String.join(",", fields) + "\n";
    }

    private static String id(int i) {
        return String.format("d%05d", i);
    }

    private static void put(Configuration hadoop, Path path, String text, Charset charset) {
        byte[] bytes = text.getBytes(charset);
        try {
            FileSystem fs = path.getFileSystem(hadoop);
            if (fs.exists(path) && fs.getFileStatus(path).getLen() == bytes.length) {
                try (InputStream in = fs.open(path)) {
                    if (Arrays.equals(in.readAllBytes(), bytes)) {
                        return;
                    }
                }
            }
            try (OutputStream out = fs.create(path, true)) {
                out.write(bytes);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the demo drop file " + path + ": " + e.getMessage(), e);
        }
    }
}

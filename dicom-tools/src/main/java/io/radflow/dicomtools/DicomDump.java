package io.radflow.dicomtools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.DicomInputStream;
import io.radflow.dicom.DicomFile;
import io.radflow.dicom.DicomReadException;
import io.radflow.dicom.DicomReadException.Problem;
import io.radflow.dicom.DicomReader;
import io.radflow.dicom.EncapsulatedPixelData;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;

/**
 * Every attribute of a DICOM file, file meta information included, as DICOM JSON
 * ({@link DicomJson}): what {@code ./radflow dicom dump} prints.
 *
 * <p>Two readers take part. Radflow's own {@link DicomReader} judges the file first: what is not
 * DICOM at all (PixelMed reads a text file as an empty or garbage data set), is cut short or is
 * broken (PixelMed logs a truncated element and returns what came before it) is refused with its
 * message. It also tells the encoding of a bare data set without preamble (guessed as dcmtk and
 * pydicom do) and the fragments of encapsulated pixel data. PixelMed then parses the whole data
 * set: nested sequences, and with its data dictionary the VRs of implicit VR files, which Radflow's
 * reader, keeping top-level elements only, does without. Pixel data is not decompressed.
 */
public final class DicomDump {

    private static final int PREAMBLE = 128;
    private static final String PIXEL_DATA = "7FE00010";
    /** Problems that mean the bytes cannot be trusted; other ones (a value the pipeline cannot use) do not stop a dump. */
    private static final Set<Problem> REFUSED = Set.of(Problem.NOT_DICOM, Problem.IO, Problem.TRUNCATED, Problem.MALFORMED);

    private DicomDump() {
    }

    /**
     * The file as DICOM JSON.
     *
     * @throws DicomReadException NOT_DICOM, IO, TRUNCATED or MALFORMED with the reader's message,
     *                            or MALFORMED with PixelMed's when it cannot parse what the
     *                            reader accepted
     */
    public static ObjectNode of(Path file) {
        Optional<DicomFile> radflow = judge(file);
        ObjectNode json = DicomJson.of(read(file, radflow.map(f -> f.transferSyntax().uid()).orElse(null)));
        // The exact bytes of the fragments, as pydicom counts them; PixelMed's frames may drop
        // padding, so its count is only the fallback.
        radflow.flatMap(DicomFile::encapsulatedPixelData).ifPresent(encapsulated -> {
            JsonNode pixels = json.get(PIXEL_DATA);
            if (pixels instanceof ObjectNode p && p.has("BulkDataLength")) {
                p.put("BulkDataLength", fragmentBytes(encapsulated));
            }
        });
        return json;
    }

    /** Radflow's read, or empty when it refused the file for a reason a dump does not stop at. */
    private static Optional<DicomFile> judge(Path file) {
        try {
            return Optional.of(DicomReader.standard().read(file));
        } catch (DicomReadException e) {
            if (REFUSED.contains(e.problem())) {
                throw e;
            }
            return Optional.empty();
        }
    }

    private static long fragmentBytes(EncapsulatedPixelData encapsulated) {
        long n = 0;
        for (ByteBuffer f : encapsulated.fragments()) {
            n += f.remaining();
        }
        return n;
    }

    /** The file as PixelMed's attribute list, file meta information first. */
    private static AttributeList read(Path file, String transferSyntax) {
        AttributeList list = new AttributeList();
        list.setDecompressPixelData(false);
        try (DicomInputStream in = open(file, transferSyntax)) {
            list.read(in);
        } catch (IOException | DicomException | RuntimeException e) {
            throw new DicomReadException(Problem.MALFORMED, "PixelMed cannot parse the data set: " + e.getMessage(), e);
        }
        return list;
    }

    /**
     * A Part 10 file (preamble and 'DICM') tells PixelMed its own transfer syntax; a bare data set
     * gets the one Radflow's reader found, with file meta information when it starts with group 0002.
     */
    private static DicomInputStream open(Path file, String transferSyntax) throws IOException {
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(PREAMBLE + 4);
        }
        boolean part10 = head.length == PREAMBLE + 4 && head[PREAMBLE] == 'D' && head[PREAMBLE + 1] == 'I'
                && head[PREAMBLE + 2] == 'C' && head[PREAMBLE + 3] == 'M';
        if (part10 || transferSyntax == null) {
            return new DicomInputStream(file.toFile());
        }
        boolean meta = head.length >= 2 && head[0] == 0x02 && head[1] == 0x00;
        return new DicomInputStream(file.toFile(), transferSyntax, meta);
    }
}

package io.radflow.dicom;

import io.radflow.dicom.DatasetParser.Encoding;
import io.radflow.dicom.DicomReadException.Problem;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * A focused DICOM Part 10 reader: file meta information, implicit and explicit VR little endian,
 * explicit VR big endian and deflated data sets; sequences and items of defined and undefined
 * length; native pixel data split into frames and encapsulated pixel data located as fragments.
 * Files without the 128-byte preamble, and bare data sets without file meta, are read when their
 * first tag starts a data set (as dcmtk and pydicom do); anything else is refused as not DICOM.
 *
 * <p>Every length is checked against what is left of the input before it is used, nesting is
 * capped, and inflation is capped, so corrupt or hostile input fails with a
 * {@link DicomReadException} (the only exception thrown) naming the element and offset, never a
 * hang or an out-of-memory. Files are memory-mapped, so a {@link #headerOnly()} read touches only
 * the pages up to the pixel data.
 *
 * <pre>{@code
 * DicomFile f = DicomReader.standard().read(path);
 * String study = f.attributes().studyInstanceUid();
 * float[] hu = FrameDecoder.modalityValues(f.nativeFrame(0));
 * }</pre>
 *
 * Instances are immutable and thread-safe.
 */
public final class DicomReader {

    /** Default cap on the size of an inflated (deflated transfer syntax) data set. */
    public static final long DEFAULT_MAX_INFLATED_BYTES = 512L << 20;

    private static final int MAX_ARRAY = Integer.MAX_VALUE - 16;
    private static final DicomReader STANDARD = new DicomReader(false, DEFAULT_MAX_INFLATED_BYTES);
    private static final DicomReader HEADER_ONLY = new DicomReader(true, DEFAULT_MAX_INFLATED_BYTES);

    private final boolean stopBeforePixelData;
    private final long maxInflatedBytes;

    private DicomReader(boolean stopBeforePixelData, long maxInflatedBytes) {
        this.stopBeforePixelData = stopBeforePixelData;
        this.maxInflatedBytes = maxInflatedBytes;
    }

    /** Reads everything, pixel data included. */
    public static DicomReader standard() {
        return STANDARD;
    }

    /** Stops before (7FE0,0010) Pixel Data: attributes only, cheaper for large files. */
    public static DicomReader headerOnly() {
        return HEADER_ONLY;
    }

    /** The same reader refusing deflated data sets that inflate to more than {@code maxBytes}. */
    public DicomReader withMaxInflatedBytes(long maxBytes) {
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("maxBytes must be positive");
        }
        return new DicomReader(stopBeforePixelData, maxBytes);
    }

    public boolean stopsBeforePixelData() {
        return stopBeforePixelData;
    }

    /** Reads a file, memory-mapped (pixel data views stay valid after the call). */
    public DicomFile read(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size > MAX_ARRAY) {
                throw new DicomReadException(Problem.TOO_LARGE, file + " is " + size + " bytes; files over 2 GiB are not supported");
            }
            return read(ch.map(FileChannel.MapMode.READ_ONLY, 0, size), "file " + file.getFileName());
        } catch (NoSuchFileException e) {
            throw new DicomReadException(Problem.IO, "no such file: " + file, e);
        } catch (IOException e) {
            throw new DicomReadException(Problem.IO, "cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Reads a stream to its end, refusing more than {@code maxBytes}; the caller closes the stream. */
    public DicomFile read(InputStream in, long maxBytes) {
        try {
            byte[] bytes = in.readNBytes((int) Math.min(MAX_ARRAY, maxBytes + 1));
            if (bytes.length > maxBytes) {
                throw new DicomReadException(Problem.TOO_LARGE, "input is larger than the limit of " + maxBytes + " bytes");
            }
            return read(bytes);
        } catch (IOException e) {
            throw new DicomReadException(Problem.IO, "cannot read DICOM stream: " + e.getMessage(), e);
        }
    }

    /** Reads bytes in memory; pixel data views share the array. */
    public DicomFile read(byte[] bytes) {
        return read(ByteBuffer.wrap(bytes), "input");
    }

    /** Reads the buffer's remaining bytes; pixel data views share the buffer. */
    public DicomFile read(ByteBuffer buffer) {
        return read(buffer, "input");
    }

    private DicomFile read(ByteBuffer buffer, String name) {
        ByteInput in = new ByteInput(buffer, name);
        in.position(dataSetStart(in));
        DatasetParser parser = new DatasetParser(in);

        Map<Integer, Element> meta = new HashMap<>();
        if (in.has(2) && in.u16At(in.position(), ByteOrder.LITTLE_ENDIAN) == 0x0002) {
            Encoding metaEncoding = new Encoding(looksExplicit(in, in.position(), true), ByteOrder.LITTLE_ENDIAN);
            for (Element e : parser.readElements(metaEncoding, 0x0002, false)) {
                meta.put(e.tag(), e);
            }
        }
        String declared = new ValueDecoder(in, meta).text(Tags.TRANSFER_SYNTAX_UID);

        Encoding encoding;
        TransferSyntax ts;
        if (declared != null) {
            ts = TransferSyntax.of(declared);
            if (ts.deflated()) {
                in = new ByteInput(inflate(in.rest()), "inflated data set of " + name);
                parser = new DatasetParser(in);
            }
            // Trust the declared VR style unless the first element says otherwise (as pydicom does:
            // some writers declare explicit VR and write implicit).
            encoding = new Encoding(looksExplicit(in, in.position(), ts.explicitVr()),
                    ts.bigEndian() ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        } else {
            ByteOrder order = in.has(2) && !plausibleGroup(in.u16At(in.position(), ByteOrder.LITTLE_ENDIAN))
                    && plausibleGroup(in.u16At(in.position(), ByteOrder.BIG_ENDIAN)) ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
            encoding = new Encoding(looksExplicit(in, in.position(), false), order);
            ts = TransferSyntax.nativeOf(encoding.explicitVr(), encoding.bigEndian());
        }

        List<Element> elements = parser.readElements(encoding, -1, stopBeforePixelData);
        // A header-only read stops at the first tag at or after Pixel Data; noting which tag that
        // is tells whether the instance has pixels without touching them.
        boolean stoppedAtPixelData = stopBeforePixelData && in.has(4)
                && in.tagAt(in.position(), encoding.order()) == Tags.PIXEL_DATA;
        Map<Integer, Element> byTag = new HashMap<>();
        List<Integer> tags = new ArrayList<>(elements.size());
        for (Element e : elements) {
            byTag.put(e.tag(), e); // a repeated tag: the last one wins, as in pydicom
            tags.add(e.tag());
        }
        DicomAttributes attributes = attributes(new ValueDecoder(in, byTag), ts.uid());

        Element pixels = byTag.get(Tags.PIXEL_DATA);
        ByteBuffer nativePixels = null;
        EncapsulatedPixelData encapsulated = null;
        if (pixels != null) {
            if (pixels.undefinedLength()) {
                encapsulated = encapsulated(in, pixels, ts.uid(), attributes);
            } else {
                nativePixels = in.slice(pixels.valueOffset(), pixels.valueLength());
            }
        }
        boolean containsPixelData = stoppedAtPixelData || pixels != null || byTag.containsKey(Tags.FLOAT_PIXEL_DATA)
                || byTag.containsKey(Tags.DOUBLE_FLOAT_PIXEL_DATA);
        PaletteColorLut palette = "PALETTE COLOR".equals(attributes.photometricInterpretation())
                ? PaletteColorLut.read(in, byTag) : null;
        return new DicomFile(ts, attributes, tags, !stopBeforePixelData, containsPixelData, nativePixels, encapsulated,
                encoding.order(), palette);
    }

    /** 132 after the preamble and 'DICM'; 0 for a bare data set; refuses anything else. */
    private static int dataSetStart(ByteInput in) {
        if (in.size() >= 132 && in.u8(128) == 'D' && in.u8(129) == 'I' && in.u8(130) == 'C' && in.u8(131) == 'M') {
            return 132;
        }
        if (in.size() >= 8 && (plausibleGroup(in.u16At(0, ByteOrder.LITTLE_ENDIAN)) || plausibleGroup(in.u16At(0, ByteOrder.BIG_ENDIAN)))) {
            return 0;
        }
        throw new DicomReadException(Problem.NOT_DICOM, "not a DICOM file: no 'DICM' prefix at offset 128 and the "
                + in.size() + " bytes do not start with a DICOM data set");
    }

    /** Data sets start with a small even group: 0002 (file meta) or 0008 (identification), rarely later. */
    private static boolean plausibleGroup(int group) {
        return group >= 0x0002 && group <= 0x00FF && group % 2 == 0;
    }

    private static boolean looksExplicit(ByteInput in, int at, boolean otherwise) {
        if (in.size() - at < 6) {
            return otherwise;
        }
        return Vr.of(in.u8(at + 4), in.u8(at + 5)) != null;
    }

    private ByteBuffer inflate(ByteBuffer deflated) {
        Inflater inflater = new Inflater(true);
        try {
            inflater.setInput(deflated);
            byte[] out = new byte[(int) Math.min(maxInflatedBytes, Math.max(4096L, deflated.remaining() * 4L))];
            int n = 0;
            int stalls = 0; // no progress with room left and input present: never loop on it
            while (!inflater.finished()) {
                if (n == out.length) {
                    if (out.length >= maxInflatedBytes) {
                        throw new DicomReadException(Problem.TOO_LARGE, "deflated data set inflates to more than "
                                + maxInflatedBytes + " bytes");
                    }
                    out = Arrays.copyOf(out, (int) Math.min(maxInflatedBytes, Math.min(MAX_ARRAY, out.length * 2L)));
                }
                int k = inflater.inflate(out, n, out.length - n);
                n += k;
                stalls = k == 0 ? stalls + 1 : 0;
                if (k == 0 && (inflater.needsInput() || inflater.needsDictionary() || stalls > 2)) {
                    throw new DicomReadException(Problem.TRUNCATED, "deflated data set ends before its deflate stream does "
                            + "(truncated input)");
                }
            }
            return ByteBuffer.wrap(out, 0, n);
        } catch (DataFormatException e) {
            throw new DicomReadException(Problem.MALFORMED, "deflated data set is not a valid deflate stream: " + e.getMessage(), e);
        } finally {
            inflater.end();
        }
    }

    private static DicomAttributes attributes(ValueDecoder v, String transferSyntaxUid) {
        return new DicomAttributes(
                transferSyntaxUid,
                v.text(Tags.SOP_CLASS_UID),
                v.text(Tags.SOP_INSTANCE_UID),
                v.text(Tags.STUDY_INSTANCE_UID),
                v.text(Tags.SERIES_INSTANCE_UID),
                v.text(Tags.MODALITY),
                v.integer(Tags.INSTANCE_NUMBER),
                v.integer(Tags.NUMBER_OF_FRAMES),
                v.integer(Tags.ROWS),
                v.integer(Tags.COLUMNS),
                v.integer(Tags.BITS_ALLOCATED),
                v.integer(Tags.BITS_STORED),
                v.integer(Tags.HIGH_BIT),
                v.integer(Tags.PIXEL_REPRESENTATION),
                v.integer(Tags.SAMPLES_PER_PIXEL),
                v.text(Tags.PHOTOMETRIC_INTERPRETATION),
                v.integer(Tags.PLANAR_CONFIGURATION),
                v.decimal(Tags.RESCALE_SLOPE),
                v.decimal(Tags.RESCALE_INTERCEPT),
                v.decimals(Tags.WINDOW_CENTER),
                v.decimals(Tags.WINDOW_WIDTH),
                v.integer(Tags.IMAGES_IN_ACQUISITION),
                v.text(Tags.SERIES_DESCRIPTION),
                v.text(Tags.STUDY_DESCRIPTION),
                v.text(Tags.BODY_PART_EXAMINED));
    }

    private static EncapsulatedPixelData encapsulated(ByteInput in, Element pixels, String ts, DicomAttributes a) {
        List<Element.Fragment> items = pixels.fragments();
        if (items.isEmpty()) {
            throw new DicomReadException(Problem.MALFORMED, "encapsulated Pixel Data has no Basic Offset Table item");
        }
        Element.Fragment bot = items.get(0);
        if (bot.length() % 4 != 0) {
            throw new DicomReadException(Problem.MALFORMED, "Basic Offset Table of " + bot.length()
                    + " bytes is not a list of 32-bit offsets");
        }
        List<Long> offsets = new ArrayList<>();
        for (int i = 0; i < bot.length(); i += 4) {
            offsets.add(in.u32At(bot.offset() + i, ByteOrder.LITTLE_ENDIAN));
        }
        List<Element.Fragment> fragments = items.subList(1, items.size());
        List<ByteBuffer> views = fragments.stream().map(f -> in.slice(f.offset(), f.length())).toList();
        int frames = a.numberOfFrames() == null || a.numberOfFrames() < 1 ? 1 : a.numberOfFrames();
        return new EncapsulatedPixelData(ts, frames, offsets, views, frameMap(fragments, offsets, frames));
    }

    /** Which fragments make each frame; null when neither the offset table nor the counts tell. */
    private static List<List<Integer>> frameMap(List<Element.Fragment> fragments, List<Long> offsets, int frames) {
        if (fragments.isEmpty()) {
            return null;
        }
        List<List<Integer>> map = new ArrayList<>();
        if (offsets.size() == frames && frames > 1) {
            int first = fragments.get(0).itemOffset();
            int f = 0;
            for (int frame = 0; frame < frames; frame++) {
                long start = offsets.get(frame);
                long end = frame + 1 < frames ? offsets.get(frame + 1) : Long.MAX_VALUE;
                if (f >= fragments.size() || fragments.get(f).itemOffset() - first != start) {
                    return null;
                }
                List<Integer> parts = new ArrayList<>();
                while (f < fragments.size() && fragments.get(f).itemOffset() - first < end) {
                    parts.add(f++);
                }
                map.add(parts);
            }
            return map;
        }
        if (frames == 1) {
            List<Integer> all = new ArrayList<>();
            for (int i = 0; i < fragments.size(); i++) {
                all.add(i);
            }
            return List.of(all);
        }
        if (fragments.size() == frames) {
            for (int i = 0; i < frames; i++) {
                map.add(List.of(i));
            }
            return map;
        }
        return null;
    }
}

package io.radflow.dicom;

import io.radflow.dicom.DicomReadException.Problem;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A DICOM instance as read by {@link DicomReader}: its attributes, the top-level tags found, and
 * its pixel data (native frames or located encapsulated fragments). Pixel data is viewed in place
 * in the input, never copied; a file read with {@link DicomReader#headerOnly()} has none.
 */
public final class DicomFile {

    private final TransferSyntax transferSyntax;
    private final DicomAttributes attributes;
    private final List<Integer> tags;
    private final boolean pixelDataRead;
    private final boolean containsPixelData;
    private final ByteBuffer nativePixels;
    private final EncapsulatedPixelData encapsulated;
    private final ByteOrder order;
    private final PaletteColorLut palette;

    DicomFile(TransferSyntax transferSyntax, DicomAttributes attributes, List<Integer> tags, boolean pixelDataRead,
              boolean containsPixelData, ByteBuffer nativePixels, EncapsulatedPixelData encapsulated, ByteOrder order,
              PaletteColorLut palette) {
        this.transferSyntax = transferSyntax;
        this.attributes = attributes;
        this.tags = List.copyOf(tags);
        this.pixelDataRead = pixelDataRead;
        this.containsPixelData = containsPixelData;
        this.nativePixels = nativePixels;
        this.encapsulated = encapsulated;
        this.order = order;
        this.palette = palette;
    }

    /** The palette colour lookup tables of a PALETTE COLOR image; empty for other images. */
    public Optional<PaletteColorLut> palette() {
        return Optional.ofNullable(palette);
    }

    public DicomAttributes attributes() {
        return attributes;
    }

    public TransferSyntax transferSyntax() {
        return transferSyntax;
    }

    /** Top-level tags of the data set in file order (file meta excluded; stops before Pixel Data on header-only reads). */
    public List<Integer> tags() {
        return tags;
    }

    /** Number of Frames, or 1 when absent or below 1 (single-frame objects leave it out). */
    public int numberOfFrames() {
        Integer n = attributes.numberOfFrames();
        return n == null || n < 1 ? 1 : n;
    }

    /** True when (7FE0,0010) Pixel Data was found (always false on header-only reads). */
    public boolean hasPixelData() {
        return nativePixels != null || encapsulated != null;
    }

    /**
     * True when the instance holds pixels: (7FE0,0010) Pixel Data, (7FE0,0008) Float Pixel Data or
     * (7FE0,0009) Double Float Pixel Data. Unlike {@link #hasPixelData()} this is known after a
     * {@link DicomReader#headerOnly()} read too (the reader notes the Pixel Data tag where it stops,
     * without reading its value), so it is how an uploader tells images from objects without pixels
     * (SR, KO, PR, RT plans...) cheaply. See {@link SopClasses#isImage} for what counts as an image.
     */
    public boolean containsPixelData() {
        return containsPixelData;
    }

    /** True when this was a header-only read, so pixel data was not looked for. */
    public boolean stoppedBeforePixelData() {
        return !pixelDataRead;
    }

    /** The compressed pixel data, when the transfer syntax encapsulates it. */
    public Optional<EncapsulatedPixelData> encapsulatedPixelData() {
        return Optional.ofNullable(encapsulated);
    }

    /** The layout of native frames; fails when the file has no native pixel data or lacks its geometry. */
    public PixelFormat pixelFormat() {
        requireNative();
        return PixelFormat.of(attributes, order);
    }

    /** One native frame (zero-based); fails clearly for compressed, missing or short pixel data. */
    public NativeFrame nativeFrame(int index) {
        PixelFormat format = pixelFormat();
        int frames = numberOfFrames();
        if (index < 0 || index >= frames) {
            throw new DicomReadException(Problem.INVALID_VALUE, "frame " + index + " requested; the instance has " + frames + " frames");
        }
        long frameBits = format.frameBits();
        if (frameBits % 8 != 0 && frames > 1) {
            throw new DicomReadException(Problem.UNSUPPORTED, "frames of " + frameBits
                    + " bits are not byte aligned (bit-packed multi-frame pixel data)");
        }
        long frameBytes = (frameBits + 7) / 8;
        long needed = frameBytes * frames;
        if (needed > nativePixels.remaining()) {
            throw new DicomReadException(Problem.MALFORMED, "Pixel Data holds " + nativePixels.remaining() + " bytes but "
                    + frames + " frame(s) of " + format.rows() + "x" + format.columns() + "x" + format.samplesPerPixel()
                    + " samples at " + format.bitsAllocated() + " bits need " + needed);
        }
        ByteBuffer slice = nativePixels.slice((int) (frameBytes * index), (int) frameBytes);
        return new NativeFrame(index, format, slice);
    }

    /** Every native frame, in order. */
    public List<NativeFrame> nativeFrames() {
        List<NativeFrame> out = new ArrayList<>();
        for (int i = 0; i < numberOfFrames(); i++) {
            out.add(nativeFrame(i));
        }
        return out;
    }

    private void requireNative() {
        if (nativePixels != null) {
            return;
        }
        String why;
        if (!pixelDataRead) {
            why = "it was read header-only (DicomReader.headerOnly())";
        } else if (encapsulated != null) {
            why = "its pixel data is compressed (transfer syntax " + transferSyntax.uid() + "); decode the fragments first";
        } else {
            why = "it has no Pixel Data (7fe0,0010)";
        }
        throw new DicomReadException(Problem.UNSUPPORTED, "no native frames in this instance: " + why);
    }
}

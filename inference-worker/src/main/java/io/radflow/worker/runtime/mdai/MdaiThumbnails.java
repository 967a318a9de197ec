package io.radflow.worker.runtime.mdai;

import io.radflow.common.error.RadflowException;
import io.radflow.common.error.Reason;
import io.radflow.dicom.DicomAttributes;
import io.radflow.dicom.DicomReadException;
import io.radflow.dicom.DicomReader;
import io.radflow.pixels.image.Window;
import io.radflow.pixels.render.FrameRenderer;
import io.radflow.worker.preprocess.DecodedImage;
import io.radflow.worker.preprocess.DicomImages;
import io.radflow.worker.preprocess.PreprocessSettings;
import io.radflow.worker.runtime.ModelFile;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * MD.ai's thumbnail input: each frame of a file as an 8-bit JPEG (default) or PNG, rendered by
 * {@link FrameRenderer} as the HTTP runtime and the viewer draw frames (greyscale with the VOI
 * window from the args {@code window.center} / {@code window.width}, else the file's, else the
 * frame's range; RGB for colour images), with the file's DICOM attributes in {@code dicom_tags}.
 * The arg {@code thumbnail.format} ({@code jpeg} or {@code png}) picks the encoding, and
 * {@code content_type} says which it is.
 */
final class MdaiThumbnails {

    static final String FORMAT_ARG = "thumbnail.format";

    private final DicomImages dicom;

    MdaiThumbnails(DicomImages dicom) {
        this.dicom = dicom;
    }

    /** One rendered frame: its image, content type, DICOM tags and (for multi-frame files) zero-based frame number. */
    record Thumbnail(byte[] content, String contentType, String extension, Map<String, Object> dicomTags, Integer frameNumber) {
    }

    List<Thumbnail> of(ModelFile file, Map<String, String> args) {
        String format = args.getOrDefault(FORMAT_ARG, "jpeg").toLowerCase(Locale.ROOT);
        boolean png = switch (format) {
            case "png" -> true;
            case "jpeg", "jpg" -> false;
            default -> throw new RadflowException(Reason.MALFORMED_EVENT, "arg " + FORMAT_ARG + " must be jpeg or png, got '" + format + "'");
        };
        PreprocessSettings settings = PreprocessSettings.from(args);
        Window window = settings.windowCenter() == null ? null : new Window(settings.windowCenter(), settings.windowWidth());
        DecodedImage image = dicom.decode(file.content());
        Map<String, Object> tags = dicomTags(file.content());
        List<Thumbnail> out = new ArrayList<>(image.frames().size());
        for (int k = 0; k < image.frames().size(); k++) {
            BufferedImage frame = FrameRenderer.image(image.frames().get(k), window);
            out.add(new Thumbnail(png ? FrameRenderer.png(frame) : jpeg(frame), png ? "image/png" : "image/jpeg", png ? "png" : "jpg",
                    tags, image.geometry().multiFrame() ? k : null));
        }
        return out;
    }

    static byte[] jpeg(BufferedImage image) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, "jpeg", out)) {
                throw new IllegalStateException("this JVM has no JPEG writer");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("JPEG encoding in memory failed", e);
        }
        return out.toByteArray();
    }

    /**
     * The attributes the worker reads from the header, by DICOM keyword (what MD.ai puts in
     * {@code dicom_tags}: UIDs, modality, geometry, pixel description, rescale, window,
     * descriptions, body part); absent ones are left out.
     */
    static Map<String, Object> dicomTags(byte[] content) {
        DicomAttributes a;
        try {
            a = DicomReader.headerOnly().read(content).attributes();
        } catch (DicomReadException e) {
            throw new RadflowException(Reason.UNREADABLE_DICOM, "cannot read the DICOM header for dicom_tags: " + e.getMessage(), e);
        }
        Map<String, Object> tags = new LinkedHashMap<>();
        put(tags, "StudyInstanceUID", a.studyInstanceUid());
        put(tags, "SeriesInstanceUID", a.seriesInstanceUid());
        put(tags, "SOPInstanceUID", a.sopInstanceUid());
        put(tags, "SOPClassUID", a.sopClassUid());
        put(tags, "TransferSyntaxUID", a.transferSyntaxUid());
        put(tags, "Modality", a.modality());
        put(tags, "InstanceNumber", a.instanceNumber());
        put(tags, "NumberOfFrames", a.numberOfFrames());
        put(tags, "Rows", a.rows());
        put(tags, "Columns", a.columns());
        put(tags, "BitsAllocated", a.bitsAllocated());
        put(tags, "BitsStored", a.bitsStored());
        put(tags, "HighBit", a.highBit());
        put(tags, "PixelRepresentation", a.pixelRepresentation());
        put(tags, "SamplesPerPixel", a.samplesPerPixel());
        put(tags, "PhotometricInterpretation", a.photometricInterpretation());
        put(tags, "PlanarConfiguration", a.planarConfiguration());
        put(tags, "RescaleSlope", a.rescaleSlope());
        put(tags, "RescaleIntercept", a.rescaleIntercept());
        if (!a.windowCenter().isEmpty()) {
            tags.put("WindowCenter", a.windowCenter().size() == 1 ? a.windowCenter().get(0) : List.copyOf(a.windowCenter()));
        }
        if (!a.windowWidth().isEmpty()) {
            tags.put("WindowWidth", a.windowWidth().size() == 1 ? a.windowWidth().get(0) : List.copyOf(a.windowWidth()));
        }
        put(tags, "ImagesInAcquisition", a.imagesInAcquisition());
        put(tags, "SeriesDescription", a.seriesDescription());
        put(tags, "StudyDescription", a.studyDescription());
        put(tags, "BodyPartExamined", a.bodyPartExamined());
        return tags;
    }

    private static void put(Map<String, Object> tags, String keyword, Object value) {
        if (value != null) {
            tags.put(keyword, value instanceof Integer i ? (Object) i.longValue() : value);
        }
    }
}

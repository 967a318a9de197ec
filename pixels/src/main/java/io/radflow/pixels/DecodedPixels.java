package io.radflow.pixels;

import io.radflow.dicom.NativeFrame;
import io.radflow.dicom.PixelFormat;
import java.util.List;

/**
 * Every frame of an instance after decompression and before any LUT: the stored values as the
 * codec yields them, samples interleaved (planar configuration 0), little endian. {@code format}
 * describes these bytes, not the file's encoding: its photometric interpretation is the colour
 * model of the decoded samples (a JPEG codec may already have turned YBR_FULL_422 into RGB).
 * {@link io.radflow.dicom.FrameDecoder#modalityValues(NativeFrame)} reads each frame.
 */
public record DecodedPixels(PixelFormat format, List<NativeFrame> frames) {

    public DecodedPixels {
        frames = List.copyOf(frames);
    }
}

package io.radflow.worker.preprocess;

import io.radflow.dicom.DicomAttributes;
import io.radflow.dicom.DicomFile;
import io.radflow.dicom.DicomReadException;
import io.radflow.dicom.DicomReader;
import io.radflow.dicom.FrameDecoder;
import io.radflow.dicom.NativeFrame;
import io.radflow.worker.runtime.ImageGeometry;
import java.util.ArrayList;
import java.util.List;

/** {@link DicomImages} on Radflow's own DICOM reader ({@code io.radflow.dicom}): native pixel data, monochrome. */
public final class DicomModuleImages implements DicomImages {

    @Override
    public ImageGeometry geometry(byte[] dicom) {
        return geometry(DicomReader.standard().read(dicom));
    }

    @Override
    public DecodedImage decode(byte[] dicom) {
        DicomFile file = DicomReader.standard().read(dicom);
        ImageGeometry geometry = geometry(file);
        DicomAttributes a = file.attributes();
        if (a.samplesPerPixel() != null && a.samplesPerPixel() != 1) {
            throw new DicomReadException(DicomReadException.Problem.UNSUPPORTED, "the image has " + a.samplesPerPixel()
                    + " samples per pixel (" + a.photometricInterpretation() + "); ONNX pre-processing takes monochrome images");
        }
        List<float[]> frames = new ArrayList<>(geometry.frames());
        for (NativeFrame f : file.nativeFrames()) {
            frames.add(FrameDecoder.modalityValues(f));
        }
        Double center = a.windowCenter().isEmpty() ? null : a.windowCenter().get(0);
        Double width = a.windowWidth().isEmpty() ? null : a.windowWidth().get(0);
        return new DecodedImage(geometry, frames, center, width);
    }

    private static ImageGeometry geometry(DicomFile file) {
        DicomAttributes a = file.attributes();
        if (a.rows() == null || a.columns() == null || a.rows() < 1 || a.columns() < 1) {
            throw new DicomReadException(DicomReadException.Problem.INVALID_VALUE, "the instance has no image: Rows "
                    + a.rows() + ", Columns " + a.columns());
        }
        if (!file.hasPixelData()) {
            throw new DicomReadException(DicomReadException.Problem.INVALID_VALUE, "the instance has no Pixel Data (7fe0,0010)");
        }
        return new ImageGeometry(a.rows(), a.columns(), file.numberOfFrames());
    }
}

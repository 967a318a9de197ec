package io.radflow.worker.preprocess;

import io.radflow.dicom.DicomAttributes;
import io.radflow.dicom.DicomFile;
import io.radflow.dicom.DicomReadException;
import io.radflow.dicom.DicomReader;
import io.radflow.pixels.PixelDecoder;
import io.radflow.pixels.image.ImageFrames;
import io.radflow.worker.runtime.ImageGeometry;

/**
 * {@link DicomImages} on Radflow's DICOM reader and a {@link PixelDecoder}: every transfer syntax
 * the decoder takes (native ones in this JVM, compressed ones through GDCM), monochrome and colour.
 */
public final class PixelDataImages implements DicomImages {

    private final PixelDecoder decoder;

    public PixelDataImages(PixelDecoder decoder) {
        this.decoder = decoder;
    }

    @Override
    public ImageGeometry geometry(byte[] dicom) {
        return geometry(DicomReader.standard().read(dicom));
    }

    @Override
    public DecodedImage decode(byte[] dicom) {
        DicomFile file = DicomReader.standard().read(dicom);
        ImageGeometry geometry = geometry(file);
        return new DecodedImage(geometry, ImageFrames.all(file, decoder.decode(file)));
    }

    private static ImageGeometry geometry(DicomFile file) {
        DicomAttributes a = file.attributes();
        if (!file.hasPixelData()) {
            throw new DicomReadException(DicomReadException.Problem.INVALID_VALUE, "the instance has no Pixel Data (7fe0,0010): "
                    + "it is not an image (SOP class " + a.sopClassUid() + ", modality " + a.modality() + ")");
        }
        if (a.rows() == null || a.columns() == null || a.rows() < 1 || a.columns() < 1) {
            throw new DicomReadException(DicomReadException.Problem.INVALID_VALUE, "the instance has no image: Rows "
                    + a.rows() + ", Columns " + a.columns());
        }
        return new ImageGeometry(a.rows(), a.columns(), file.numberOfFrames());
    }
}

package io.radflow.pixels;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import gdcm.DataElement;
import gdcm.Fragment;
import gdcm.Image;
import gdcm.PhotometricInterpretation;
import gdcm.SequenceOfFragments;
import gdcm.SmartPtrFrag;
import gdcm.Tag;
import io.radflow.dicom.DicomAttributes;
import io.radflow.dicom.DicomFile;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What isolating GDCM costs per instance: the same files decoded by GDCM in this JVM (the image
 * built in memory as the codec host builds it) and through the decoder's codec process, plus the
 * native path for scale. Not part of the suite; run it with
 * {@code mvn -o -q -pl pixels test -Dtest=CodecOverheadBenchmark -Dradflow.benchmark=true}
 * and read target/surefire-reports/io.radflow.pixels.CodecOverheadBenchmark-output.txt.
 */
class CodecOverheadBenchmark {

    private static final int WARMUP = 300;
    private static final int RUNS = 1000;

    @Test
    void measure() {
        assumeTrue(Boolean.getBoolean("radflow.benchmark"), "run with -Dradflow.benchmark=true");
        System.load(CodecSettings.defaults().jniLibrary().toString());
        List<String> files = List.of("MR_small_jpeg_ls_lossless.dcm", "SC_rgb_jpeg_gdcm.dcm", "JPGExtended.dcm", "693_J2KI.dcm");
        try (PixelDecoder decoder = PixelDecoders.create(CodecSettings.defaults().withProcesses(1))) {
            long t0 = System.nanoTime();
            decoder.decode(TestFiles.read(files.get(0)));
            System.out.printf("first compressed decode (starts the codec process): %.0f ms%n", (System.nanoTime() - t0) / 1e6);
            for (String name : files) {
                DicomFile f = TestFiles.read(name);
                long decoded = decoder.decode(f).frames().stream().mapToLong(fr -> fr.data().remaining()).sum();
                double[] inProcess = time(() -> inProcess(f));
                double[] isolated = time(() -> decoder.decode(f));
                System.out.printf("%-32s %7d bytes decoded: in-process GDCM median %7.0f us (mean %7.0f), codec process "
                                + "median %7.0f us (mean %7.0f): %+5.0f us per instance%n", name, decoded, inProcess[0], inProcess[1],
                        isolated[0], isolated[1], isolated[0] - inProcess[0]);
            }
            DicomFile nativeFile = TestFiles.read("MR_small.dcm");
            double[] nativePath = time(() -> decoder.decode(nativeFile));
            System.out.printf("%-32s native path median %.1f us (mean %.1f)%n", "MR_small.dcm", nativePath[0], nativePath[1]);
        }
    }

    private static double[] time(Runnable r) {
        for (int i = 0; i < WARMUP; i++) {
            r.run();
        }
        double[] us = new double[RUNS];
        for (int i = 0; i < RUNS; i++) {
            long t = System.nanoTime();
            r.run();
            us[i] = (System.nanoTime() - t) / 1e3;
        }
        double mean = Arrays.stream(us).average().orElse(0);
        Arrays.sort(us);
        return new double[] {us[RUNS / 2], mean};
    }

    /** What the codec host does, without the process: the in-memory image and GetBuffer. */
    private static byte[] inProcess(DicomFile f) {
        DicomAttributes a = f.attributes();
        SmartPtrFrag fragments = SequenceOfFragments.New();
        for (int i = 0; i < f.numberOfFrames(); i++) {
            ByteBuffer b = f.encapsulatedPixelData().orElseThrow().frame(i);
            byte[] chunk = new byte[b.remaining()];
            b.get(chunk);
            Fragment fragment = new Fragment();
            fragment.SetArray(chunk, chunk.length);
            fragments.AddFragment(fragment);
        }
        DataElement pixelData = new DataElement(new Tag(0x7fe0, 0x0010));
        pixelData.SetValue(fragments.__ref__());
        pixelData.SetVLToUndefined();
        Image image = new Image();
        image.SetNumberOfDimensions(2);
        image.SetDimension(0, a.columns());
        image.SetDimension(1, a.rows());
        image.SetDataElement(pixelData);
        image.SetPhotometricInterpretation(new PhotometricInterpretation(PhotometricInterpretation.GetPIType(a.photometricInterpretation())));
        image.SetTransferSyntax(new gdcm.TransferSyntax(gdcm.TransferSyntax.GetTSType(a.transferSyntaxUid())));
        image.SetPixelFormat(new gdcm.PixelFormat(a.samplesPerPixel(), a.bitsAllocated(), a.bitsStored(), a.highBit(),
                a.pixelRepresentation()));
        image.SetPlanarConfiguration(a.planarConfiguration() == null ? 0 : a.planarConfiguration());
        byte[] out = new byte[(int) image.GetBufferLength()];
        if (!image.GetBuffer(out)) {
            throw new IllegalStateException("GDCM failed on " + a.sopInstanceUid());
        }
        return out;
    }
}

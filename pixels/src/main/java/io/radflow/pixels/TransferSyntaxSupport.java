package io.radflow.pixels;

import java.util.Map;
import java.util.Optional;

/**
 * Which decoder takes which transfer syntax: the four native ones are read in this JVM, the
 * compressed ones GDCM 3.0.21 decodes go to the codec processes, and everything else (video,
 * HTJ2K, JPEG XL, JPIP references, private syntaxes) is refused as
 * {@link io.radflow.common.error.Reason#UNSUPPORTED_TRANSFER_SYNTAX}. GDCM knows the MPEG-2 and
 * H.264 UIDs but has no decoder for them, and does not know HTJ2K, HEVC or JPEG XL at all.
 */
public final class TransferSyntaxSupport {

    /** Where pixel data of a transfer syntax is decoded. */
    public enum Route {
        /** Uncompressed: frames viewed in place, in this JVM. */
        NATIVE,
        /** Compressed: GDCM in a codec process. */
        GDCM,
        /** No decoder here. */
        UNSUPPORTED
    }

    /** Syntaxes with their route and name; anything absent is {@link Route#UNSUPPORTED}. */
    private static final Map<String, Entry> KNOWN = Map.ofEntries(
            native_("1.2.840.10008.1.2", "Implicit VR Little Endian"),
            native_("1.2.840.10008.1.2.1", "Explicit VR Little Endian"),
            native_("1.2.840.10008.1.2.1.99", "Deflated Explicit VR Little Endian"),
            native_("1.2.840.10008.1.2.2", "Explicit VR Big Endian"),
            gdcm("1.2.840.10008.1.2.4.50", "JPEG Baseline (Process 1)", true),
            gdcm("1.2.840.10008.1.2.4.51", "JPEG Extended (Process 2 & 4)", true),
            gdcm("1.2.840.10008.1.2.4.53", "JPEG Spectral Selection, Non-Hierarchical (Process 6 & 8, retired)", true),
            gdcm("1.2.840.10008.1.2.4.55", "JPEG Full Progression, Non-Hierarchical (Process 10 & 12, retired)", true),
            gdcm("1.2.840.10008.1.2.4.57", "JPEG Lossless, Non-Hierarchical (Process 14)", false),
            gdcm("1.2.840.10008.1.2.4.70", "JPEG Lossless, First-Order Prediction (Process 14, SV1)", false),
            gdcm("1.2.840.10008.1.2.4.80", "JPEG-LS Lossless", false),
            gdcm("1.2.840.10008.1.2.4.81", "JPEG-LS Lossy (Near-Lossless)", true),
            gdcm("1.2.840.10008.1.2.4.90", "JPEG 2000 (Lossless Only)", false),
            gdcm("1.2.840.10008.1.2.4.91", "JPEG 2000", true),
            gdcm("1.2.840.10008.1.2.4.92", "JPEG 2000 Part 2 Multi-component (Lossless Only)", false),
            gdcm("1.2.840.10008.1.2.4.93", "JPEG 2000 Part 2 Multi-component", true),
            gdcm("1.2.840.10008.1.2.5", "RLE Lossless", false),
            unsupported("1.2.840.10008.1.2.4.52", "JPEG Extended (Process 3 & 5, retired)"),
            unsupported("1.2.840.10008.1.2.4.94", "JPIP Referenced"),
            unsupported("1.2.840.10008.1.2.4.95", "JPIP Referenced Deflate"),
            unsupported("1.2.840.10008.1.2.4.100", "MPEG2 Main Profile / Main Level"),
            unsupported("1.2.840.10008.1.2.4.100.1", "Fragmentable MPEG2 Main Profile / Main Level"),
            unsupported("1.2.840.10008.1.2.4.101", "MPEG2 Main Profile / High Level"),
            unsupported("1.2.840.10008.1.2.4.101.1", "Fragmentable MPEG2 Main Profile / High Level"),
            unsupported("1.2.840.10008.1.2.4.102", "MPEG-4 AVC/H.264 High Profile / Level 4.1"),
            unsupported("1.2.840.10008.1.2.4.102.1", "Fragmentable MPEG-4 AVC/H.264 High Profile / Level 4.1"),
            unsupported("1.2.840.10008.1.2.4.103", "MPEG-4 AVC/H.264 BD-compatible High Profile / Level 4.1"),
            unsupported("1.2.840.10008.1.2.4.103.1", "Fragmentable MPEG-4 AVC/H.264 BD-compatible High Profile / Level 4.1"),
            unsupported("1.2.840.10008.1.2.4.104", "MPEG-4 AVC/H.264 High Profile / Level 4.2 For 2D Video"),
            unsupported("1.2.840.10008.1.2.4.105", "MPEG-4 AVC/H.264 High Profile / Level 4.2 For 3D Video"),
            unsupported("1.2.840.10008.1.2.4.106", "MPEG-4 AVC/H.264 Stereo High Profile / Level 4.2"),
            unsupported("1.2.840.10008.1.2.4.107", "HEVC/H.265 Main Profile / Level 5.1"),
            unsupported("1.2.840.10008.1.2.4.108", "HEVC/H.265 Main 10 Profile / Level 5.1"),
            unsupported("1.2.840.10008.1.2.4.110", "JPEG XL Lossless"),
            unsupported("1.2.840.10008.1.2.4.111", "JPEG XL JPEG Recompression"),
            unsupported("1.2.840.10008.1.2.4.112", "JPEG XL"),
            unsupported("1.2.840.10008.1.2.4.201", "High-Throughput JPEG 2000 (Lossless Only)"),
            unsupported("1.2.840.10008.1.2.4.202", "High-Throughput JPEG 2000 with RPCL Options (Lossless Only)"),
            unsupported("1.2.840.10008.1.2.4.203", "High-Throughput JPEG 2000"),
            unsupported("1.2.840.10008.1.2.8.1", "Deflated Image Frame Compression"),
            unsupported("1.2.840.10008.1.2.7.1", "SMPTE ST 2110-20 Uncompressed Progressive Active Video"),
            unsupported("1.2.840.10008.1.2.7.2", "SMPTE ST 2110-20 Uncompressed Interlaced Active Video"),
            unsupported("1.2.840.10008.1.2.7.3", "SMPTE ST 2110-30 PCM Digital Audio"));

    private record Entry(Route route, String name, boolean lossy) {
    }

    private TransferSyntaxSupport() {
    }

    /** The route of a transfer syntax UID; unknown UIDs (private syntaxes included) are unsupported. */
    public static Route route(String uid) {
        Entry e = uid == null ? null : KNOWN.get(uid.strip());
        return e == null ? Route.UNSUPPORTED : e.route();
    }

    /** The standard name of a transfer syntax, when it is a standard one. */
    public static Optional<String> name(String uid) {
        Entry e = uid == null ? null : KNOWN.get(uid.strip());
        return e == null ? Optional.empty() : Optional.of(e.name());
    }

    /** True for syntaxes whose decoded values may differ from what was encoded (JPEG lossy, JPEG-LS near-lossless, JPEG 2000). */
    public static boolean mayBeLossy(String uid) {
        Entry e = uid == null ? null : KNOWN.get(uid.strip());
        return e != null && e.lossy();
    }

    /** "UID (name)" or just the UID, for messages. */
    static String describe(String uid) {
        return name(uid).map(n -> uid + " (" + n + ")").orElse(uid + " (not a standard transfer syntax)");
    }

    private static Map.Entry<String, Entry> native_(String uid, String name) {
        return Map.entry(uid, new Entry(Route.NATIVE, name, false));
    }

    private static Map.Entry<String, Entry> gdcm(String uid, String name, boolean lossy) {
        return Map.entry(uid, new Entry(Route.GDCM, name, lossy));
    }

    private static Map.Entry<String, Entry> unsupported(String uid, String name) {
        return Map.entry(uid, new Entry(Route.UNSUPPORTED, name, false));
    }
}

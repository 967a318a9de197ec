package io.radflow.dicom;

/**
 * How a data set is encoded: byte order, explicit or implicit VR, deflated, and whether pixel
 * data is encapsulated (compressed). Every transfer syntax other than the four native ones is
 * explicit VR little endian with encapsulated pixel data (JPEG, JPEG-LS, JPEG 2000, RLE, MPEG,
 * HTJ2K, private ones alike), which is how the reader treats UIDs it does not know.
 *
 * @param uid the transfer syntax UID (from the file meta, or deduced when the file has none)
 */
public record TransferSyntax(String uid, boolean explicitVr, boolean bigEndian, boolean deflated, boolean encapsulated) {

    public static final String IMPLICIT_VR_LITTLE_ENDIAN = "1.2.840.10008.1.2";
    public static final String EXPLICIT_VR_LITTLE_ENDIAN = "1.2.840.10008.1.2.1";
    public static final String DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN = "1.2.840.10008.1.2.1.99";
    public static final String EXPLICIT_VR_BIG_ENDIAN = "1.2.840.10008.1.2.2";

    public static TransferSyntax of(String uid) {
        return switch (uid) {
            case IMPLICIT_VR_LITTLE_ENDIAN -> new TransferSyntax(uid, false, false, false, false);
            case EXPLICIT_VR_LITTLE_ENDIAN -> new TransferSyntax(uid, true, false, false, false);
            case DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN -> new TransferSyntax(uid, true, false, true, false);
            case EXPLICIT_VR_BIG_ENDIAN -> new TransferSyntax(uid, true, true, false, false);
            default -> new TransferSyntax(uid, true, false, false, true);
        };
    }

    /** The native transfer syntax with this encoding (for data sets without file meta). */
    static TransferSyntax nativeOf(boolean explicitVr, boolean bigEndian) {
        if (bigEndian) {
            return of(EXPLICIT_VR_BIG_ENDIAN);
        }
        return of(explicitVr ? EXPLICIT_VR_LITTLE_ENDIAN : IMPLICIT_VR_LITTLE_ENDIAN);
    }
}

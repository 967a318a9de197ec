package io.radflow.dicom;

import java.util.List;

/**
 * The one place that decides whether a DICOM instance is an <em>image</em>: an object an image model
 * can take (CT, MR, CR/DX, US, XA, MG, PET, NM, secondary capture, video, whole-slide, RT Image,
 * parametric maps...). Studies from a PACS also hold objects that are not: reports, selections,
 * presentation states, plans, documents, waveforms, and pixel objects whose pixels are labels or
 * dose rather than a picture. Those never reach an image model.
 *
 * <p>The rule, given the SOP Class UID and whether the instance holds pixel data (either may be
 * unknown, null, for events from older publishers):
 * <ol>
 *   <li>an instance of a {@linkplain #isNonImageClass non-image SOP class} is not an image, with or
 *       without pixel data (an SR carrying stray pixels is still a report; a Segmentation's pixels are
 *       labels, an RT Dose's are a dose grid);</li>
 *   <li>otherwise an instance known to have no pixel data is not an image (whatever its class,
 *       including private and future classes);</li>
 *   <li>everything else is an image: pixel data present, or unknown with a class that is an image
 *       class or unknown itself (as before this rule existed, an instance nobody described is sent).</li>
 * </ol>
 *
 * <p>Non-image SOP classes, by family (a family is its root UID and everything under it):
 * <ul>
 *   <li>{@code 1.2.840.10008.5.1.4.1.1.88}: Structured Reports of every kind, Key Object Selection
 *       ({@code .88.59}), CAD and dose reports;</li>
 *   <li>{@code 1.2.840.10008.5.1.4.1.1.11}: Presentation States;</li>
 *   <li>{@code 1.2.840.10008.5.1.4.1.1.9}: Waveforms (ECG, audio, hemodynamic...);</li>
 *   <li>{@code 1.2.840.10008.5.1.4.1.1.104}: Encapsulated documents (PDF, CDA, STL, OBJ, MTL);</li>
 *   <li>{@code 1.2.840.10008.5.1.4.1.1.481} except RT Image ({@code .481.1}): RT Dose (pixels: a dose
 *       grid), Structure Set, Plans, Treatment Records, Ion plans;</li>
 *   <li>{@code 1.2.840.10008.5.1.4.1.1.66}: Raw Data, Spatial Registration and Fiducials,
 *       Segmentation ({@code .66.4}; pixels: labels), Surface Segmentation, Tractography, Label Map
 *       and Height Map Segmentation;</li>
 *   <li>{@code 1.2.840.10008.5.1.4.1.1.67} Real World Value Mapping, {@code 1.2.840.10008.5.1.4.1.1.68}
 *       surface scans, {@code 1.2.840.10008.5.1.4.1.1.4.2} MR Spectroscopy,
 *       {@code 1.2.840.10008.5.1.4.1.1.200} protocol storage.</li>
 * </ul>
 * Parametric Maps ({@code 1.2.840.10008.5.1.4.1.1.30}) are derived pictures (ADC, perfusion) and
 * count as images.
 */
public final class SopClasses {

    public static final String CT_IMAGE = "1.2.840.10008.5.1.4.1.1.2";
    public static final String MR_IMAGE = "1.2.840.10008.5.1.4.1.1.4";
    public static final String SECONDARY_CAPTURE = "1.2.840.10008.5.1.4.1.1.7";
    public static final String BASIC_TEXT_SR = "1.2.840.10008.5.1.4.1.1.88.11";
    public static final String COMPREHENSIVE_SR = "1.2.840.10008.5.1.4.1.1.88.33";
    public static final String KEY_OBJECT_SELECTION = "1.2.840.10008.5.1.4.1.1.88.59";
    public static final String GRAYSCALE_PRESENTATION_STATE = "1.2.840.10008.5.1.4.1.1.11.1";
    public static final String ENCAPSULATED_PDF = "1.2.840.10008.5.1.4.1.1.104.1";
    public static final String TWELVE_LEAD_ECG = "1.2.840.10008.5.1.4.1.1.9.1.1";
    public static final String SEGMENTATION = "1.2.840.10008.5.1.4.1.1.66.4";
    public static final String RT_IMAGE = "1.2.840.10008.5.1.4.1.1.481.1";
    public static final String RT_DOSE = "1.2.840.10008.5.1.4.1.1.481.2";
    public static final String RT_STRUCTURE_SET = "1.2.840.10008.5.1.4.1.1.481.3";
    public static final String RT_PLAN = "1.2.840.10008.5.1.4.1.1.481.5";
    public static final String PARAMETRIC_MAP = "1.2.840.10008.5.1.4.1.1.30";

    /** Roots of the non-image families (see the class comment). */
    private static final List<String> NON_IMAGE_FAMILIES = List.of(
            "1.2.840.10008.5.1.4.1.1.88",
            "1.2.840.10008.5.1.4.1.1.11",
            "1.2.840.10008.5.1.4.1.1.9",
            "1.2.840.10008.5.1.4.1.1.104",
            "1.2.840.10008.5.1.4.1.1.481",
            "1.2.840.10008.5.1.4.1.1.66",
            "1.2.840.10008.5.1.4.1.1.67",
            "1.2.840.10008.5.1.4.1.1.68",
            "1.2.840.10008.5.1.4.1.1.4.2",
            "1.2.840.10008.5.1.4.1.1.200");

    /** Image classes inside a non-image family. */
    private static final List<String> IMAGE_EXCEPTIONS = List.of(RT_IMAGE);

    private SopClasses() {
    }

    /**
     * True when an image model can take the instance (see the class comment for the rule).
     *
     * @param sopClassUid  (0008,0016), or null when unknown
     * @param hasPixelData whether the instance holds pixel data, or null when unknown
     */
    public static boolean isImage(String sopClassUid, Boolean hasPixelData) {
        return !isNonImageClass(sopClassUid) && !Boolean.FALSE.equals(hasPixelData);
    }

    /** True for a SOP class that is never an image, with or without pixel data; false for null. */
    public static boolean isNonImageClass(String sopClassUid) {
        if (sopClassUid == null) {
            return false;
        }
        String uid = sopClassUid.strip();
        if (IMAGE_EXCEPTIONS.contains(uid)) {
            return false;
        }
        for (String root : NON_IMAGE_FAMILIES) {
            if (uid.equals(root) || uid.startsWith(root) && uid.length() > root.length() && uid.charAt(root.length()) == '.') {
                return true;
            }
        }
        return false;
    }
}

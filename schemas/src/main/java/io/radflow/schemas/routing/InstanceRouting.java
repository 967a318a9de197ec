package io.radflow.schemas.routing;

import io.radflow.schemas.avro.RoutingRules;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A model version's {@link RoutingRules}, ready to apply: which instances the version takes. The
 * registry checks and normalises the rules when a version is created ({@link #validate}); the
 * trigger asks {@link #leftOut} for every instance, for instance jobs and for series and study job
 * membership alike, so both read the rules the same way.
 *
 * <p>An instance is taken when it is an image (the caller decides that, with
 * {@code io.radflow.dicom.SopClasses.isImage}) and every rule that is set accepts it. How each rule
 * treats an instance whose attribute is unknown:
 * <ul>
 *   <li>modality, SOP class, body part: refused. A rule says the model was built for those inputs
 *       only; an instance that cannot be shown to be one of them would give a confident answer about
 *       something the model never saw, which is worse than no answer. (Body Part Examined is often
 *       left empty by scanners: a body-part rule is for sites that fill it in.)</li>
 *   <li>series description: matched as the empty string, so the pattern decides. A positive pattern
 *       ({@code (?i)lung}) refuses a series without description; an exclusion
 *       ({@code ^(?!.*(?i)scout)}) takes it.</li>
 * </ul>
 * The series description pattern is found ({@link java.util.regex.Matcher#find}) in the value with
 * a bounded amount of work: a pattern that backtracks without end counts as not found rather than
 * stalling the trigger.
 */
public final class InstanceRouting {

    /** Most values one list may hold. */
    public static final int MAX_VALUES = 64;
    /** Longest series description pattern accepted. */
    public static final int MAX_PATTERN_LENGTH = 256;
    /** Work one pattern match may do (characters the matcher reads) before it counts as not found. */
    static final int MAX_MATCH_STEPS = 1_000_000;

    private static final Pattern CODE_STRING = Pattern.compile("[A-Z0-9_ ]{1,16}");
    private static final Pattern UID = Pattern.compile("[0-9]+(\\.[0-9]+)*");
    private static final int MAX_UID_LENGTH = 64;

    /** Takes every image: the default. */
    public static final InstanceRouting EVERY_IMAGE = of(RoutingRules.newBuilder().build());

    /** Why an instance was left out of a version's jobs; {@link #tag()} is the metric tag. */
    public enum LeftOut {
        NOT_AN_IMAGE, SOP_CLASS, MODALITY, BODY_PART, SERIES_DESCRIPTION;

        public String tag() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** What the rules look at in an instance; any attribute may be null (unknown). */
    public record InstanceFacts(boolean image, String sopClassUid, String modality, String bodyPartExamined,
                                String seriesDescription) {
    }

    private final RoutingRules rules;
    private final Set<String> modalities;
    private final Set<String> sopClassUids;
    private final Set<String> bodyParts;
    private final Pattern seriesDescription;
    /** A pattern that does not compile (never from the registry): refuses every instance. */
    private final boolean brokenPattern;

    private InstanceRouting(RoutingRules rules, Set<String> modalities, Set<String> sopClassUids, Set<String> bodyParts,
                            Pattern seriesDescription, boolean brokenPattern) {
        this.rules = rules;
        this.modalities = modalities;
        this.sopClassUids = sopClassUids;
        this.bodyParts = bodyParts;
        this.seriesDescription = seriesDescription;
        this.brokenPattern = brokenPattern;
    }

    /**
     * The rules as stored: never fails. Values are compared as {@link #validate} would have normalised
     * them; a pattern that does not compile (only possible for rules the registry did not write)
     * refuses every instance, so a model never receives what its owner meant to exclude.
     */
    public static InstanceRouting of(RoutingRules rules) {
        Pattern pattern = null;
        boolean broken = false;
        if (rules.getSeriesDescriptionPattern() != null) {
            try {
                pattern = Pattern.compile(rules.getSeriesDescriptionPattern());
            } catch (PatternSyntaxException e) {
                broken = true;
            }
        }
        return new InstanceRouting(RoutingRules.newBuilder(rules).build(), normalised(rules.getModalities(), true),
                normalised(rules.getSopClassUids(), false), normalised(rules.getBodyPartsExamined(), true), pattern, broken);
    }

    /**
     * Checks rules a person wrote and returns them normalised (values stripped, modality and body part
     * upper case, repeats removed). Fails with a message naming the field and the value, as the REST
     * API's field names spell them ({@code routing.modalities[1]}).
     *
     * @throws IllegalArgumentException for an empty or malformed value, too many values, or a series
     *                                  description pattern that is empty, too long or does not compile
     */
    public static RoutingRules validate(RoutingRules requested) {
        List<String> modalities = codeStrings("routing.modalities", requested.getModalities(), "a DICOM modality (such as CT, MR)");
        List<String> bodyParts = codeStrings("routing.bodyPartsExamined", requested.getBodyPartsExamined(),
                "a DICOM body part (such as CHEST, HEAD)");
        List<String> sopClasses = new ArrayList<>();
        List<String> given = values("routing.sopClassUids", requested.getSopClassUids());
        for (int i = 0; i < given.size(); i++) {
            String v = given.get(i);
            if (v.length() > MAX_UID_LENGTH || !UID.matcher(v).matches()) {
                throw new IllegalArgumentException("routing.sopClassUids[" + i + "] '" + printable(v)
                        + "' is not a UID (digits separated by dots, at most " + MAX_UID_LENGTH + " characters)");
            }
            if (!sopClasses.contains(v)) {
                sopClasses.add(v);
            }
        }
        String pattern = requested.getSeriesDescriptionPattern();
        if (pattern != null) {
            if (pattern.isBlank()) {
                throw new IllegalArgumentException("routing.seriesDescriptionPattern is empty; leave it out (or null) to take every series");
            }
            if (pattern.length() > MAX_PATTERN_LENGTH) {
                throw new IllegalArgumentException("routing.seriesDescriptionPattern is " + pattern.length()
                        + " characters long; at most " + MAX_PATTERN_LENGTH + " are accepted");
            }
            try {
                Pattern.compile(pattern);
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("routing.seriesDescriptionPattern is not a valid regular expression: "
                        + e.getDescription() + (e.getIndex() >= 0 ? " near index " + e.getIndex() : "") + " in '"
                        + printable(pattern) + "'");
            }
        }
        return RoutingRules.newBuilder().setModalities(modalities).setSopClassUids(sopClasses).setBodyPartsExamined(bodyParts)
                .setSeriesDescriptionPattern(pattern).build();
    }

    /** The rules as stored (normalised when the registry wrote them). */
    public RoutingRules rules() {
        return RoutingRules.newBuilder(rules).build();
    }

    /** True when no rule is set: every image is taken. */
    public boolean takesEveryImage() {
        return modalities.isEmpty() && sopClassUids.isEmpty() && bodyParts.isEmpty() && seriesDescription == null && !brokenPattern;
    }

    /** Empty when the version takes the instance; otherwise the first rule that refuses it. */
    public Optional<LeftOut> leftOut(InstanceFacts instance) {
        if (!instance.image()) {
            return Optional.of(LeftOut.NOT_AN_IMAGE);
        }
        if (!sopClassUids.isEmpty() && (instance.sopClassUid() == null || !sopClassUids.contains(instance.sopClassUid().strip()))) {
            return Optional.of(LeftOut.SOP_CLASS);
        }
        if (!modalities.isEmpty() && !containsCodeString(modalities, instance.modality())) {
            return Optional.of(LeftOut.MODALITY);
        }
        if (!bodyParts.isEmpty() && !containsCodeString(bodyParts, instance.bodyPartExamined())) {
            return Optional.of(LeftOut.BODY_PART);
        }
        if (brokenPattern || seriesDescription != null && !found(seriesDescription, instance.seriesDescription())) {
            return Optional.of(LeftOut.SERIES_DESCRIPTION);
        }
        return Optional.empty();
    }

    private static boolean containsCodeString(Set<String> accepted, String value) {
        return value != null && accepted.contains(value.strip().toUpperCase(Locale.ROOT));
    }

    private static boolean found(Pattern pattern, String value) {
        try {
            return pattern.matcher(new BoundedText(value == null ? "" : value, MAX_MATCH_STEPS)).find();
        } catch (BoundedText.Exhausted e) {
            return false;
        } catch (StackOverflowError e) {
            // deeply recursive patterns over long input: as unusable as one that never ends
            return false;
        }
    }

    private static List<String> codeStrings(String field, List<String> requested, String what) {
        List<String> out = new ArrayList<>();
        List<String> given = values(field, requested);
        for (int i = 0; i < given.size(); i++) {
            String v = given.get(i).toUpperCase(Locale.ROOT);
            if (!CODE_STRING.matcher(v).matches()) {
                throw new IllegalArgumentException(field + "[" + i + "] '" + printable(given.get(i)) + "' is not " + what
                        + ": 1-16 letters, digits, '_' or spaces");
            }
            if (!out.contains(v)) {
                out.add(v);
            }
        }
        return out;
    }

    /** The values stripped; fails for a null or empty one, or too many. */
    private static List<String> values(String field, List<String> requested) {
        if (requested.size() > MAX_VALUES) {
            throw new IllegalArgumentException(field + " has " + requested.size() + " values; at most " + MAX_VALUES + " are accepted");
        }
        List<String> out = new ArrayList<>(requested.size());
        for (int i = 0; i < requested.size(); i++) {
            String v = requested.get(i);
            if (v == null || v.isBlank()) {
                throw new IllegalArgumentException(field + "[" + i + "] is empty; leave the list empty to accept any value");
            }
            out.add(v.strip());
        }
        return out;
    }

    private static Set<String> normalised(List<String> values, boolean upperCase) {
        Set<String> out = new LinkedHashSet<>();
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                out.add(upperCase ? v.strip().toUpperCase(Locale.ROOT) : v.strip());
            }
        }
        return Set.copyOf(out);
    }

    private static String printable(String s) {
        String cleaned = s.replaceAll("\\p{Cntrl}", "?");
        return cleaned.length() > 80 ? cleaned.substring(0, 80) + "..." : cleaned;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InstanceRouting other && rules.equals(other.rules);
    }

    @Override
    public int hashCode() {
        return Objects.hash(rules);
    }

    @Override
    public String toString() {
        return "InstanceRouting" + rules;
    }

    /** The text a pattern reads, counting the characters it reads; past the budget the match gives up. */
    private static final class BoundedText implements CharSequence {

        static final class Exhausted extends RuntimeException {
            Exhausted() {
                super(null, null, false, false);
            }
        }

        private final String text;
        private final int[] budget;

        BoundedText(String text, int budget) {
            this(text, new int[] {budget});
        }

        private BoundedText(String text, int[] budget) {
            this.text = text;
            this.budget = budget;
        }

        @Override
        public int length() {
            return text.length();
        }

        @Override
        public char charAt(int index) {
            if (--budget[0] < 0) {
                throw new Exhausted();
            }
            return text.charAt(index);
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return new BoundedText(text.substring(start, end), budget);
        }

        @Override
        public String toString() {
            return text;
        }
    }
}

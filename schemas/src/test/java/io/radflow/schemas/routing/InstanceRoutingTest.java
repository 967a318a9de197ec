package io.radflow.schemas.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.radflow.schemas.avro.RoutingRules;
import io.radflow.schemas.routing.InstanceRouting.InstanceFacts;
import io.radflow.schemas.routing.InstanceRouting.LeftOut;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class InstanceRoutingTest {

    static final String CT = "1.2.840.10008.5.1.4.1.1.2";
    static final String ENHANCED_CT = "1.2.840.10008.5.1.4.1.1.2.1";

    static InstanceFacts image(String sopClass, String modality, String bodyPart, String description) {
        return new InstanceFacts(true, sopClass, modality, bodyPart, description);
    }

    static InstanceRouting rules(RoutingRules.Builder b) {
        return InstanceRouting.of(InstanceRouting.validate(b.build()));
    }

    @Test
    void shouldTakeEveryImageByDefaultAndNothingElse() {
        InstanceRouting all = InstanceRouting.of(RoutingRules.newBuilder().build());
        assertThat(all).isEqualTo(InstanceRouting.EVERY_IMAGE);
        assertThat(all.takesEveryImage()).isTrue();
        assertThat(all.leftOut(image(null, null, null, null))).isEmpty();
        assertThat(all.leftOut(image(CT, "CT", "CHEST", "Lung"))).isEmpty();
        assertThat(all.leftOut(new InstanceFacts(false, "1.2.840.10008.5.1.4.1.1.88.11", "SR", null, null)))
                .contains(LeftOut.NOT_AN_IMAGE);
    }

    @Test
    void shouldTakeOnlyTheListedModalitiesAndRefuseAnUnknownOne() {
        InstanceRouting ct = rules(RoutingRules.newBuilder().setModalities(List.of(" ct", "CT")));
        assertThat(ct.rules().getModalities()).containsExactly("CT");
        assertThat(ct.leftOut(image(CT, "CT", null, null))).isEmpty();
        assertThat(ct.leftOut(image(CT, "ct ", null, null))).as("case-insensitive").isEmpty();
        assertThat(ct.leftOut(image(null, "MR", null, null))).contains(LeftOut.MODALITY);
        assertThat(ct.leftOut(image(CT, null, null, null))).as("unknown modality").contains(LeftOut.MODALITY);
        assertThat(ct.leftOut(new InstanceFacts(false, null, "CT", null, null))).as("not an image comes first")
                .contains(LeftOut.NOT_AN_IMAGE);
    }

    @Test
    void shouldTakeOnlyTheListedSopClassesExactly() {
        InstanceRouting classic = rules(RoutingRules.newBuilder().setSopClassUids(List.of(CT)));
        assertThat(classic.leftOut(image(CT, "CT", null, null))).isEmpty();
        assertThat(classic.leftOut(image(ENHANCED_CT, "CT", null, null))).contains(LeftOut.SOP_CLASS);
        assertThat(classic.leftOut(image(null, "CT", null, null))).contains(LeftOut.SOP_CLASS);
    }

    @Test
    void shouldCompareBodyPartsCaseInsensitivelyAndRefuseAMissingOne() {
        InstanceRouting chest = rules(RoutingRules.newBuilder().setBodyPartsExamined(List.of("chest", "Lung")));
        assertThat(chest.rules().getBodyPartsExamined()).containsExactly("CHEST", "LUNG");
        assertThat(chest.leftOut(image(CT, "CT", "Chest", null))).isEmpty();
        assertThat(chest.leftOut(image(CT, "CT", "LUNG", null))).isEmpty();
        assertThat(chest.leftOut(image(CT, "CT", "HEAD", null))).contains(LeftOut.BODY_PART);
        assertThat(chest.leftOut(image(CT, "CT", null, null))).contains(LeftOut.BODY_PART);
    }

    @Test
    void shouldFindTheSeriesDescriptionPatternAndMatchAMissingDescriptionAsEmpty() {
        InstanceRouting lung = rules(RoutingRules.newBuilder().setSeriesDescriptionPattern("(?i)lung"));
        assertThat(lung.leftOut(image(CT, "CT", null, "CT LUNG 1mm"))).isEmpty();
        assertThat(lung.leftOut(image(CT, "CT", null, "Scout"))).contains(LeftOut.SERIES_DESCRIPTION);
        assertThat(lung.leftOut(image(CT, "CT", null, null))).contains(LeftOut.SERIES_DESCRIPTION);

        InstanceRouting noScouts = rules(RoutingRules.newBuilder().setSeriesDescriptionPattern("^(?!.*(?i)(scout|localizer))"));
        assertThat(noScouts.leftOut(image(CT, "CT", null, "Axial 5mm"))).isEmpty();
        assertThat(noScouts.leftOut(image(CT, "CT", null, null))).as("no description: the pattern decides").isEmpty();
        assertThat(noScouts.leftOut(image(CT, "CT", null, "SCOUT"))).contains(LeftOut.SERIES_DESCRIPTION);
    }

    @Test
    void shouldGiveUpOnAPatternThatBacktracksWithoutEnd() {
        InstanceRouting evil = rules(RoutingRules.newBuilder().setSeriesDescriptionPattern("^(a+)+$"));
        long start = System.nanoTime();
        assertThat(evil.leftOut(image(CT, "CT", null, "a".repeat(60) + "!"))).contains(LeftOut.SERIES_DESCRIPTION);
        assertThat(System.nanoTime() - start).as("bounded work").isLessThan(2_000_000_000L);
        assertThat(evil.leftOut(image(CT, "CT", null, "aaaa"))).isEmpty();
    }

    @Test
    void shouldRefuseEverythingForAStoredPatternThatDoesNotCompile() {
        InstanceRouting broken = InstanceRouting.of(RoutingRules.newBuilder().setSeriesDescriptionPattern("(unclosed").build());
        assertThat(broken.takesEveryImage()).isFalse();
        assertThat(broken.leftOut(image(CT, "CT", null, "(unclosed"))).contains(LeftOut.SERIES_DESCRIPTION);
    }

    @Test
    void shouldNameTheFieldOfEveryBadValue() {
        assertInvalid(RoutingRules.newBuilder().setModalities(List.of("CT", " ")), "routing.modalities[1] is empty");
        assertInvalid(RoutingRules.newBuilder().setModalities(List.of("C*T")), "routing.modalities[0] 'C*T' is not a DICOM modality");
        assertInvalid(RoutingRules.newBuilder().setModalities(List.of("X".repeat(17))), "routing.modalities[0]");
        assertInvalid(RoutingRules.newBuilder().setBodyPartsExamined(List.of("chest;drop")),
                "routing.bodyPartsExamined[0] 'chest;drop' is not a DICOM body part");
        assertInvalid(RoutingRules.newBuilder().setSopClassUids(List.of("1.2.840.10008.5.1.4.1.1.2", "CT Image")),
                "routing.sopClassUids[1] 'CT Image' is not a UID");
        assertInvalid(RoutingRules.newBuilder().setSopClassUids(List.of("1..2")), "routing.sopClassUids[0] '1..2' is not a UID");
        assertInvalid(RoutingRules.newBuilder().setSopClassUids(List.of("1." + "2".repeat(64))), "at most 64 characters");
        assertInvalid(RoutingRules.newBuilder().setModalities(new ArrayList<>(Collections.nCopies(65, "CT"))),
                "routing.modalities has 65 values; at most 64");
        assertInvalid(RoutingRules.newBuilder().setSeriesDescriptionPattern(""), "routing.seriesDescriptionPattern is empty");
        assertInvalid(RoutingRules.newBuilder().setSeriesDescriptionPattern("x".repeat(257)),
                "routing.seriesDescriptionPattern is 257 characters long; at most 256");
        assertInvalid(RoutingRules.newBuilder().setSeriesDescriptionPattern("(?i)lung["),
                "routing.seriesDescriptionPattern is not a valid regular expression");
    }

    @Test
    void shouldCompareRulesByTheirStoredForm() {
        assertThat(rules(RoutingRules.newBuilder().setModalities(List.of("ct"))))
                .isEqualTo(InstanceRouting.of(RoutingRules.newBuilder().setModalities(List.of("CT")).build()))
                .isNotEqualTo(InstanceRouting.EVERY_IMAGE);
        assertThat(rules(RoutingRules.newBuilder().setSeriesDescriptionPattern("a")).leftOut(image(CT, "CT", null, "a")))
                .isEqualTo(Optional.empty());
    }

    private static void assertInvalid(RoutingRules.Builder rules, String message) {
        assertThatThrownBy(() -> InstanceRouting.validate(rules.build())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }
}

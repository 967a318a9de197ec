package io.radflow.registry.commands;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.radflow.common.error.Reason;
import io.radflow.registry.RegistryException;
import io.radflow.schemas.avro.Batching;
import io.radflow.schemas.avro.Cloneability;
import io.radflow.schemas.avro.Device;
import io.radflow.schemas.avro.HttpEndpoint;
import io.radflow.schemas.avro.InputType;
import io.radflow.schemas.avro.ModelFileType;
import io.radflow.schemas.avro.ModelLibrary;
import io.radflow.schemas.avro.ModelSettings;
import io.radflow.schemas.avro.RoutingRules;
import io.radflow.schemas.avro.RuntimeKind;
import io.radflow.schemas.avro.Scope;
import io.radflow.schemas.avro.Visibility;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModelChangesTest {

    private static final Instant T0 = Instant.parse("2026-11-27T10:00:00Z");
    private static final Instant T1 = T0.plusSeconds(60);

    private static ModelSettingsChange lib(ModelLibrary library, ModelFileType fileType) {
        return ModelSettingsChange.NONE.withLibrary(library, fileType);
    }

    private static ModelSettings onnxModel() {
        return ModelChanges.create("m-1", "p1", "alice", "nodules", lib(ModelLibrary.ONNX, null), T0);
    }

    private static VersionDraft draft() {
        return new VersionDraft(Scope.SERIES, InputType.DICOM, null, List.of(), Map.of(), new Batching(4, 10),
                null, RoutingRules.newBuilder().build(), null, false);
    }

    @Test
    void shouldCreateWithDefaultsAndTheLibrarysOnlyFileType() {
        ModelSettings m = onnxModel();
        assertThat(m.getFileType()).isEqualTo(ModelFileType.ONNX);
        assertThat(m.getVisibility()).isEqualTo(Visibility.PRIVATE);
        assertThat(m.getCloneable()).isEqualTo(Cloneability.NONE);
        assertThat(m.getExportable()).isFalse();
        assertThat(m.getCreatedAt()).isEqualTo(T0);
    }

    @Test
    void shouldRequireALibraryAndACompatibleFileType() {
        assertInvalid(() -> ModelChanges.create("m", "p", "a", "n", ModelSettingsChange.NONE, T0), "lib is required");
        assertInvalid(() -> ModelChanges.create("m", "p", "a", "n", lib(ModelLibrary.PYTORCH, null), T0), "filetype is required");
        assertInvalid(() -> ModelChanges.create("m", "p", "a", "n", lib(ModelLibrary.TENSORFLOW, ModelFileType.PICKLE), T0),
                "does not go with library tensorflow");
        assertInvalid(() -> ModelChanges.create("m", "p", "a", "bad name!", lib(ModelLibrary.ONNX, null), T0), "invalid model name");
    }

    @Test
    void shouldRefuseAVersionCheckedForAKindTheModelNoLongerHas() {
        ModelSettings pytorch = ModelChanges.create("m-2", "p1", "alice", "segmenter", lib(ModelLibrary.PYTORCH, ModelFileType.ONNX), T0);
        ModelChanges.requireSameKind(pytorch, ModelChanges.apply(pytorch, ModelSettingsChange.NONE.withVisibility(Visibility.PUBLIC), T1));
        // While an ONNX upload for it was being read, the model (no versions yet) became an MD.ai package.
        ModelSettings changed = ModelChanges.apply(pytorch, lib(ModelLibrary.PYTORCH, ModelFileType.ZIP), T1);

        assertThatThrownBy(() -> ModelChanges.requireSameKind(pytorch, changed)).isInstanceOf(RegistryException.class)
                .hasMessageContaining("changed from pytorch/onnx to pytorch/zip while the version was being added")
                .satisfies(e -> assertThat(((RegistryException) e).reason()).isEqualTo(Reason.CONCURRENT_MODIFICATION));
    }

    @Test
    void shouldNumberVersionsAndPickTheRuntimeFromTheFileType() {
        ModelSettings m = ModelChanges.addVersion(onnxModel(), draft(), T1);
        m = ModelChanges.addVersion(m, draft(), T1);
        assertThat(m.getVersions()).extracting(v -> v.getVersion()).containsExactly(1, 2);
        assertThat(m.getVersions().get(0).getRuntime()).isEqualTo(RuntimeKind.ONNX);
        assertThat(m.getVersions().get(0).getDevice()).isEqualTo(Device.CPU);
        assertThat(m.getUpdatedAt()).isEqualTo(T1);
    }

    @Test
    void shouldRefuseVersionsForFileTypesNoWorkerRuns() {
        ModelSettings pickle = ModelChanges.create("m", "p", "a", "n", lib(ModelLibrary.SCIKIT_LEARN, ModelFileType.PICKLE), T0);
        assertInvalid(() -> ModelChanges.addVersion(pickle, draft(), T1), "cannot run pickle files");
    }

    @Test
    void shouldFreezeLibraryOnceVersionsExist() {
        ModelSettings m = ModelChanges.addVersion(onnxModel(), draft(), T1);
        assertThatThrownBy(() -> ModelChanges.apply(m, lib(ModelLibrary.MDAI, null), T1))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.reason()).isEqualTo(Reason.ALREADY_EXISTS))
                .hasMessageContaining("can no longer change");
    }

    @Test
    void shouldFixCloneableOnTheCopyAndLeaveTheSourceFree() {
        ModelSettings source = ModelChanges.apply(ModelChanges.addVersion(onnxModel(), draft(), T1), cloneable(Cloneability.SITE_ONLY), T1);
        ModelSettings marked = ModelChanges.markCloned(source, List.of(1));
        assertThat(marked.getVersions().get(0).getCloned()).isTrue();
        assertThat(ModelChanges.apply(marked, cloneable(Cloneability.NONE), T1).getCloneable())
                .as("the source of a clone may still change").isEqualTo(Cloneability.NONE);

        ModelSettings copy = ModelChanges.cloneInto(marked, List.of(1), "m-2", "p2", "bob", "copy", T1);
        assertThat(copy.getCloneable()).as("cloneable as its source").isEqualTo(Cloneability.SITE_ONLY);
        for (Cloneability other : List.of(Cloneability.NONE, Cloneability.ACROSS_SITES)) {
            assertThatThrownBy(() -> ModelChanges.apply(copy, cloneable(other), T1))
                    .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.reason()).isEqualTo(Reason.ALREADY_EXISTS))
                    .hasMessageContaining("cloneable is fixed").hasMessageContaining("cloned from another model (m-1:1)")
                    .hasMessageContaining("stays site-only");
        }
        // Setting the same value again is not a change.
        assertThat(ModelChanges.apply(copy, cloneable(Cloneability.SITE_ONLY), T1)).isSameAs(copy);
    }

    private static ModelSettingsChange cloneable(Cloneability value) {
        return new ModelSettingsChange(null, null, null, null, null, null, null, value, false, null);
    }

    @Test
    void shouldRestoreAnArchivedModelWithAutoRunOff() {
        ModelSettings on = ModelChanges.apply(onnxModel(), new ModelSettingsChange(null, null, null, null, true, null, null, null, false,
                null), T1);
        ModelSettings archived = ModelChanges.archive(on, T1);
        ModelSettings restored = ModelChanges.restore(archived, T1.plusSeconds(1));
        assertThat(restored.getArchivedAt()).isNull();
        assertThat(restored.getAutoRun()).isFalse();
        assertThat(restored.getUpdatedAt()).isEqualTo(T1.plusSeconds(1));
        assertThat(ModelChanges.restore(restored, T1)).as("restoring an active model changes nothing").isSameAs(restored);
    }

    @Test
    void shouldOnlyActivateExistingVersions() {
        ModelSettings m = ModelChanges.addVersion(onnxModel(), draft(), T1);
        assertInvalid(() -> ModelChanges.apply(m, new ModelSettingsChange(null, null, null, null, null, null, null, null, true, 5), T1),
                "no such version");
        assertThat(ModelChanges.apply(m, new ModelSettingsChange(null, null, null, null, null, null, null, null, true, 1), T1)
                .getActiveVersion()).isEqualTo(1);
    }

    @Test
    void shouldReturnTheSameModelWhenNothingChanges() {
        ModelSettings m = onnxModel();
        assertThat(ModelChanges.apply(m, ModelSettingsChange.NONE.withVisibility(Visibility.PRIVATE), T1)).isSameAs(m);
    }

    @Test
    void shouldStopAutoRunWhenArchivedAndRefuseLaterChanges() {
        ModelSettings m = ModelChanges.apply(onnxModel(), new ModelSettingsChange(null, null, null, null, true, null, null, null, false, null), T0);
        ModelSettings archived = ModelChanges.archive(m, T1);
        assertThat(archived.getArchivedAt()).isEqualTo(T1);
        assertThat(archived.getAutoRun()).isFalse();
        assertThat(ModelChanges.archive(archived, T1.plusSeconds(5))).isSameAs(archived);
        assertThatThrownBy(() -> ModelChanges.addVersion(archived, draft(), T1)).hasMessageContaining("archived");
    }

    @Test
    void shouldCloneChosenVersionsRenumberedAndTraceable() {
        ModelSettings source = onnxModel();
        for (int i = 0; i < 3; i++) {
            source = ModelChanges.addVersion(source, draft(), T1);
        }
        ModelSettings clone = ModelChanges.cloneInto(source, List.of(3, 1), "m-2", "p2", "bob", "copy", T1);
        assertThat(clone.getVersions()).extracting(v -> v.getVersion()).containsExactly(1, 2);
        assertThat(clone.getVersions()).extracting(v -> v.getClonedFrom()).containsExactly("m-1:3", "m-1:1");
        assertThat(clone.getOwnerId()).isEqualTo("bob");
        assertThat(clone.getProjectId()).isEqualTo("p2");
        assertThat(clone.getCloneable()).isEqualTo(source.getCloneable());
    }

    @Test
    void shouldKeepAVersionsRoutingRulesNormalisedAndCopyThemIntoClones() {
        RoutingRules asked = RoutingRules.newBuilder().setModalities(List.of("ct", " CT ", "mr")).setBodyPartsExamined(List.of("Chest"))
                .setSopClassUids(List.of(" 1.2.840.10008.5.1.4.1.1.2")).setSeriesDescriptionPattern("(?i)lung").build();
        VersionDraft d = draft();
        VersionDraft routed = new VersionDraft(d.scope(), d.inputType(), d.device(), d.labelClasses(), d.defaultArgs(), d.batching(),
                d.httpEndpoint(), asked, d.artifact(), d.activate());
        ModelSettings m = ModelChanges.addVersion(onnxModel(), routed, T1);

        RoutingRules stored = m.getVersions().get(0).getRouting();
        assertThat(stored.getModalities()).containsExactly("CT", "MR");
        assertThat(stored.getBodyPartsExamined()).containsExactly("CHEST");
        assertThat(stored.getSopClassUids()).containsExactly("1.2.840.10008.5.1.4.1.1.2");
        assertThat(stored.getSeriesDescriptionPattern()).isEqualTo("(?i)lung");
        assertThat(ModelChanges.addVersion(onnxModel(), draft(), T1).getVersions().get(0).getRouting().getModalities())
                .as("no rules: every image").isEmpty();
        assertThat(ModelChanges.cloneInto(m, List.of(1), "m-2", "p2", "bob", "copy", T1).getVersions().get(0).getRouting())
                .isEqualTo(stored);
    }

    @Test
    void shouldRefuseRoutingRulesNamingTheBadValue() {
        VersionDraft d = draft();
        VersionDraft bad = new VersionDraft(d.scope(), d.inputType(), d.device(), d.labelClasses(), d.defaultArgs(), d.batching(),
                d.httpEndpoint(), RoutingRules.newBuilder().setSeriesDescriptionPattern("lung[").build(), d.artifact(), d.activate());
        assertInvalid(() -> ModelChanges.addVersion(onnxModel(), bad, T1), "routing.seriesDescriptionPattern is not a valid regular expression");
        assertInvalid(() -> ModelChanges.routing(RoutingRules.newBuilder().setModalities(List.of("")).build()), "routing.modalities[0] is empty");
    }

    @Test
    void shouldKeepHttpEndpointsOnHttpVersions() {
        ModelSettings http = ModelChanges.create("m", "p", "a", "remote", lib(ModelLibrary.HTTP, null), T0);
        VersionDraft d = new VersionDraft(Scope.STUDY, InputType.THUMBNAIL, Device.GPU, List.of(), Map.of("k", "v"),
                new Batching(1, 0), new HttpEndpoint("http://models:9000", 5000, null), RoutingRules.newBuilder().build(), null, true);
        ModelSettings m = ModelChanges.addVersion(http, d, T1);
        assertThat(m.getVersions().get(0).getRuntime()).isEqualTo(RuntimeKind.HTTP);
        assertThat(m.getVersions().get(0).getHttpEndpoint().getUrl()).isEqualTo("http://models:9000");
        assertThat(m.getActiveVersion()).isEqualTo(1);
    }

    private static void assertInvalid(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String message) {
        assertThatThrownBy(call).isInstanceOfSatisfying(RegistryException.class,
                e -> assertThat(e.reason()).isEqualTo(Reason.INVALID_REQUEST)).hasMessageContaining(message);
    }
}

package io.radflow.registry.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.radflow.common.error.Reason;
import io.radflow.registry.RegistryException;
import io.radflow.schemas.avro.Cloneability;
import io.radflow.schemas.avro.ExportAudience;
import io.radflow.schemas.avro.ModelSettings;
import io.radflow.schemas.avro.ProjectMember;
import io.radflow.schemas.avro.ProjectRole;
import io.radflow.schemas.avro.ProjectSettings;
import io.radflow.schemas.avro.Scope;
import io.radflow.schemas.avro.Visibility;
import io.radflow.testsupport.Events;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The policy alone; AuthorizationMatrixIT drives the same matrix over HTTP on the real broker. */
class AccessPolicyTest {

    private static final Caller OWNER = Caller.user("olivia");
    private static final Caller ADMIN_MEMBER = Caller.user("adam");
    private static final Caller MEMBER = Caller.user("mia");
    private static final Caller OTHER = Caller.user("oscar");
    private static final Caller SYSADMIN = Caller.admin("root");

    private static ProjectSettings project(Visibility visibility, boolean exportDisabled) {
        return ProjectSettings.newBuilder().setProjectId("p").setName("p").setSiteId("s").setVisibility(visibility)
                .setExportDisabled(exportDisabled)
                .setMembers(List.of(new ProjectMember("olivia", ProjectRole.MEMBER), new ProjectMember("adam", ProjectRole.ADMIN),
                        new ProjectMember("mia", ProjectRole.MEMBER)))
                .setCreatedAt(Instant.EPOCH).setUpdatedAt(Instant.EPOCH).build();
    }

    private static ModelSettings model(Visibility visibility, boolean exportable, ExportAudience audience, Cloneability cloneable) {
        return ModelSettings.newBuilder(Events.model("m", "p", Scope.INSTANCE, Instant.EPOCH)).setOwnerId("olivia").setName("model")
                .setVisibility(visibility).setExportable(exportable).setExportAudience(audience).setCloneable(cloneable).build();
    }

    @Test
    void shouldHidePrivateModelsFromNonMembersAndShowPublicOnesToEveryone() {
        ModelSettings priv = model(Visibility.PRIVATE, false, ExportAudience.OWNER, Cloneability.NONE);
        ModelSettings pub = model(Visibility.PUBLIC, false, ExportAudience.OWNER, Cloneability.NONE);
        ProjectSettings p = project(Visibility.PRIVATE, false);
        for (Caller c : List.of(OWNER, ADMIN_MEMBER, MEMBER, SYSADMIN)) {
            assertThat(AccessPolicy.canRead(c, priv, p)).as(c.name()).isTrue();
        }
        assertDenied(() -> AccessPolicy.requireRead(OTHER, priv, p), Reason.NOT_FOUND);
        assertDenied(() -> AccessPolicy.requireRead(Caller.ANONYMOUS, priv, p), Reason.NOT_FOUND);
        assertThat(AccessPolicy.canRead(Caller.ANONYMOUS, pub, p)).isTrue();
        assertThat(AccessPolicy.canRead(Caller.ANONYMOUS, priv, project(Visibility.PUBLIC, false)))
                .as("models of a public project are public").isTrue();
    }

    @Test
    void shouldLetOnlyOwnersAndProjectAdminsChangeModels() {
        ModelSettings pub = model(Visibility.PUBLIC, false, ExportAudience.OWNER, Cloneability.NONE);
        ProjectSettings p = project(Visibility.PRIVATE, false);
        for (Caller c : List.of(OWNER, ADMIN_MEMBER, SYSADMIN)) {
            assertThatCode(() -> AccessPolicy.requireManage(c, pub, p)).as(c.name()).doesNotThrowAnyException();
        }
        assertDenied(() -> AccessPolicy.requireManage(MEMBER, pub, p), Reason.FORBIDDEN);
        assertDenied(() -> AccessPolicy.requireManage(OTHER, pub, p), Reason.FORBIDDEN);
        assertDenied(() -> AccessPolicy.requireManage(Caller.ANONYMOUS, pub, p), Reason.UNAUTHENTICATED);
        ModelSettings priv = model(Visibility.PRIVATE, false, ExportAudience.OWNER, Cloneability.NONE);
        assertDenied(() -> AccessPolicy.requireManage(OTHER, priv, p), Reason.NOT_FOUND);
    }

    @Test
    void shouldExportOnlyExportableModelsToTheirAudienceUnlessTheProjectForbids() {
        ProjectSettings p = project(Visibility.PRIVATE, false);
        ModelSettings ownerOnly = model(Visibility.PRIVATE, true, ExportAudience.OWNER, Cloneability.NONE);
        assertThatCode(() -> AccessPolicy.requireExport(OWNER, ownerOnly, p)).doesNotThrowAnyException();
        assertDenied(() -> AccessPolicy.requireExport(MEMBER, ownerOnly, p), Reason.FORBIDDEN);
        assertDenied(() -> AccessPolicy.requireExport(ADMIN_MEMBER, ownerOnly, p), Reason.FORBIDDEN);
        ModelSettings project = model(Visibility.PRIVATE, true, ExportAudience.PROJECT, Cloneability.NONE);
        assertThatCode(() -> AccessPolicy.requireExport(MEMBER, project, p)).doesNotThrowAnyException();
        ModelSettings notExportable = model(Visibility.PRIVATE, false, ExportAudience.OWNER, Cloneability.NONE);
        assertDenied(() -> AccessPolicy.requireExport(OWNER, notExportable, p), Reason.FORBIDDEN);
        assertDenied(() -> AccessPolicy.requireExport(SYSADMIN, ownerOnly, project(Visibility.PRIVATE, true)), Reason.FORBIDDEN);
        ModelSettings pub = model(Visibility.PUBLIC, true, ExportAudience.PROJECT, Cloneability.NONE);
        assertDenied(() -> AccessPolicy.requireExport(OTHER, pub, p), Reason.FORBIDDEN);
        assertDenied(() -> AccessPolicy.requireExport(Caller.ANONYMOUS, pub, p), Reason.UNAUTHENTICATED);
    }

    @Test
    void shouldMakeCloneCodesOnlyForCloneableModels() {
        ProjectSettings p = project(Visibility.PRIVATE, false);
        assertThatCode(() -> AccessPolicy.requireCloneCode(OWNER, model(Visibility.PRIVATE, false, ExportAudience.OWNER,
                Cloneability.SITE_ONLY), p)).doesNotThrowAnyException();
        assertDenied(() -> AccessPolicy.requireCloneCode(OWNER, model(Visibility.PRIVATE, false, ExportAudience.OWNER,
                Cloneability.NONE), p), Reason.FORBIDDEN);
        // MD.ai: any member may, for a model they can see; anyone may for a public one.
        assertThatCode(() -> AccessPolicy.requireCloneCode(MEMBER, model(Visibility.PRIVATE, false, ExportAudience.OWNER,
                Cloneability.ACROSS_SITES), p)).doesNotThrowAnyException();
        assertThatCode(() -> AccessPolicy.requireCloneCode(OTHER, model(Visibility.PUBLIC, false, ExportAudience.OWNER,
                Cloneability.ACROSS_SITES), p)).doesNotThrowAnyException();
        assertDenied(() -> AccessPolicy.requireCloneCode(OTHER, model(Visibility.PRIVATE, false, ExportAudience.OWNER,
                Cloneability.ACROSS_SITES), p), Reason.NOT_FOUND);
        assertDenied(() -> AccessPolicy.requireCloneCode(Caller.ANONYMOUS, model(Visibility.PUBLIC, false, ExportAudience.OWNER,
                Cloneability.ACROSS_SITES), p), Reason.UNAUTHENTICATED);
        assertDenied(() -> AccessPolicy.requireCloneCode(OTHER, model(Visibility.PUBLIC, false, ExportAudience.OWNER,
                Cloneability.NONE), p), Reason.FORBIDDEN);
    }

    @Test
    void shouldLetModelOwnersOnlyDisableExportAndAdminsSwitchItBothWays() {
        ProjectSettings p = project(Visibility.PRIVATE, false);
        for (boolean disable : List.of(true, false)) {
            assertThatCode(() -> AccessPolicy.requireExportSwitch(ADMIN_MEMBER, p, disable, false)).doesNotThrowAnyException();
            assertThatCode(() -> AccessPolicy.requireExportSwitch(SYSADMIN, p, disable, false)).doesNotThrowAnyException();
        }
        assertThatCode(() -> AccessPolicy.requireExportSwitch(OWNER, p, true, true)).doesNotThrowAnyException();
        assertDenied(() -> AccessPolicy.requireExportSwitch(OWNER, p, false, true), Reason.FORBIDDEN);
        assertDenied(() -> AccessPolicy.requireExportSwitch(MEMBER, p, true, false), Reason.FORBIDDEN);
        assertDenied(() -> AccessPolicy.requireExportSwitch(OTHER, p, true, true), Reason.NOT_FOUND);
    }

    private static void assertDenied(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, Reason reason) {
        assertThatThrownBy(call).isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.reason()).isEqualTo(reason));
    }
}

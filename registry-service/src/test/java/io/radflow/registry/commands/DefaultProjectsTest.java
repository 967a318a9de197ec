package io.radflow.registry.commands;

import static org.assertj.core.api.Assertions.assertThat;

import io.radflow.registry.auth.Caller;
import org.junit.jupiter.api.Test;

class DefaultProjectsTest {

    @Test
    void shouldNameEachUsersDefaultProjectAfterThemWithinTheProjectIdLimit() {
        assertThat(DefaultProjects.idFor("alice")).isEqualTo("user.alice");
        String longUser = "a".repeat(64);
        String id = DefaultProjects.idFor(longUser);
        assertThat(Names.projectId(id)).hasSize(64).startsWith("user.aaa");
        assertThat(DefaultProjects.idFor("a".repeat(63) + "b")).as("shortened ids stay distinct").isNotEqualTo(id);
    }

    @Test
    void shouldReserveTheDefaultProjectsForTheirUsers() {
        assertThat(DefaultProjects.reservedForAnother("user.bob", Caller.user("alice"))).isTrue();
        assertThat(DefaultProjects.reservedForAnother("user.alice", Caller.user("alice"))).isFalse();
        assertThat(DefaultProjects.reservedForAnother("user.alice", Caller.ANONYMOUS)).isTrue();
        assertThat(DefaultProjects.reservedForAnother("users-guide", Caller.user("alice"))).isFalse();
    }
}

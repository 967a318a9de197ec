package io.radflow.trigger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.radflow.common.config.CommonConfig;
import io.radflow.common.error.RadflowException;
import io.radflow.common.error.Reason;
import io.radflow.schemas.Topic;
import io.radflow.testsupport.TestStack;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code topics.create} against the real broker: off (the default), a service whose topics are
 * missing stops at start with one message naming them and the setting, and creates nothing; on, it
 * creates them.
 */
class TopicsAtStartIT {

    private final TestStack stack = TestStack.get();
    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final TriggerTopics topics = TriggerTopics.withSuffix("absent-" + run);

    @TempDir
    Path state;

    private AutorunTriggerService trigger(Map<String, String> extra) {
        return new AutorunTriggerService(stack.config(TriggerConfig.DEFINITION,
                TriggerItHarness.configValues(stack, "it-topics-" + run, state, extra)), topics);
    }

    private Set<String> brokerTopics() throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.bootstrapServers()))) {
            return admin.listTopics().names().get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void shouldRefuseToStartNamingTheMissingTopicsAndTheSettingWhenTopicsCreateIsOff() throws Exception {
        try (AutorunTriggerService trigger = trigger(Map.of())) {
            assertThatThrownBy(trigger::start).isInstanceOfSatisfying(RadflowException.class, e -> {
                assertThat(e.reason()).isEqualTo(Reason.BAD_CONFIG);
                assertThat(e.getMessage()).startsWith("missing topics ")
                        .contains(topics.all().stream().map(Topic::name).toList())
                        .contains(CommonConfig.TOPICS_CREATE.name() + "=true", CommonConfig.TOPICS_CREATE.envName() + "=true");
            });
        }
        assertThat(brokerTopics()).doesNotContainAnyElementsOf(topics.all().stream().map(Topic::name).toList());
    }

    @Test
    void shouldCreateItsTopicsWhenTopicsCreateIsOn() throws Exception {
        try (AutorunTriggerService trigger = trigger(Map.of(CommonConfig.TOPICS_CREATE.name(), "true"))) {
            trigger.start();
            assertThat(brokerTopics()).containsAll(topics.all().stream().map(Topic::name).toList());
        }
    }
}

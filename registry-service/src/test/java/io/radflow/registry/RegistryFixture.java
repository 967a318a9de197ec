package io.radflow.registry;

import io.radflow.content.StorageConfig;
import io.radflow.testsupport.TestStack;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/** Starts registry services against the shared test stack, each test class with its own application id. */
public final class RegistryFixture {

    private RegistryFixture() {
    }

    public static final String ADMIN_KEY = "test-admin-key-0123456789abcdef";

    /** A fresh application id: a registry of its own, sharing only the topics with other test classes. */
    public static String newApplicationId(String testClass) {
        return "registry-it-" + testClass + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    public static RegistryService start(String applicationId, Path artifacts, Map<String, String> extra) throws Exception {
        Map<String, String> values = new HashMap<>();
        values.put(RegistryConfig.APPLICATION_ID.name(), applicationId);
        values.put(RegistryConfig.ADMIN_API_KEY.name(), ADMIN_KEY);
        values.put(RegistryConfig.LAST_USED_RESOLUTION.name(), "0s");
        values.put(StorageConfig.ARTIFACT_STORE_DIR.name(), artifacts.toString());
        values.putAll(extra);
        RegistryService service = new RegistryService(TestStack.get().config(RegistryConfig.DEFINITION, values));
        service.start();
        return service;
    }

    public static ApiClient admin(RegistryService service) {
        return new ApiClient(service.url(), ADMIN_KEY);
    }
}

package io.radflow.exporter;

import io.radflow.common.config.RadflowConfig;
import io.radflow.common.error.Reason;
import io.radflow.content.ContentStore;
import io.radflow.exporter.destination.CStoreDestination;
import io.radflow.exporter.destination.ContentStoreDestination;
import io.radflow.exporter.destination.Destination;
import io.radflow.exporter.destination.StowRsDestination;
import io.radflow.schemas.avro.ExportDestination;
import io.radflow.schemas.avro.ProjectSettings;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** A project's destination from its settings; a project without one keeps its results in the content store. */
final class Destinations {

    private final ContentStore contentStore;
    private final Path secretsDir;
    private final Duration timeout;
    private final String callingAe;
    private final HttpClient http;

    Destinations(ContentStore contentStore, RadflowConfig config) {
        this.contentStore = contentStore;
        this.secretsDir = config.get(ExporterConfig.SECRETS_DIR);
        this.timeout = config.get(ExporterConfig.HTTP_TIMEOUT);
        this.callingAe = config.get(ExporterConfig.CALLING_AE_TITLE);
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    Destination of(ProjectSettings project) {
        ExportDestination d = project == null ? null : project.getExportDestination();
        if (d == null) {
            return new ContentStoreDestination(contentStore);
        }
        return switch (d.getKind()) {
            case CONTENT_STORE -> new ContentStoreDestination(contentStore);
            case STOW_RS -> {
                if (d.getUrl() == null) {
                    throw new ExportException(Reason.DESTINATION_REJECTED, "project " + project.getProjectId()
                            + " exports by STOW_RS but names no url");
                }
                yield new StowRsDestination(URI.create(d.getUrl()), secret(project, d.getAuthSecret()), http, timeout);
            }
            case C_STORE -> {
                if (d.getAeTitle() == null || d.getHost() == null || d.getPort() == null) {
                    throw new ExportException(Reason.DESTINATION_REJECTED, "project " + project.getProjectId()
                            + " exports by C_STORE but lacks aeTitle, host or port");
                }
                yield new CStoreDestination(d.getAeTitle(), d.getHost(), d.getPort(), callingAe, (int) timeout.toMillis());
            }
        };
    }

    private String secret(ProjectSettings project, String name) {
        if (name == null) {
            return null;
        }
        if (secretsDir == null) {
            throw new ExportException(Reason.DESTINATION_UNAUTHORIZED, "project " + project.getProjectId() + " names the secret "
                    + name + " but exporter.secrets.dir is not set");
        }
        Path file = secretsDir.resolve(name).normalize();
        if (!file.startsWith(secretsDir.normalize()) || !Files.isRegularFile(file)) {
            throw new ExportException(Reason.DESTINATION_UNAUTHORIZED, "project " + project.getProjectId() + " names the secret "
                    + name + ", which is no file in " + secretsDir + " (exporter.secrets.dir)");
        }
        try {
            return Files.readString(file).strip();
        } catch (IOException e) {
            throw new ExportException(Reason.DESTINATION_UNAUTHORIZED, "cannot read the secret " + file + ": " + e.getMessage(), e);
        }
    }
}

package io.radflow.registry.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.radflow.registry.auth.AccessPolicy;
import io.radflow.registry.commands.Enums;
import io.radflow.schemas.avro.ModelSettings;
import io.radflow.schemas.avro.ProjectSettings;
import java.time.Instant;
import java.util.List;

/**
 * Models as Neurodeploy's clients read them from {@code GET /ml-models}: {@code {"models": [...]}}
 * with Neurodeploy's snake_case fields. Two meanings differ from Radflow's own representation and
 * are mapped here, in one place: {@code updated_at} is when the model was last used by a
 * prediction (Radflow's {@code lastUsedAt}; null until then), and {@code deleted_at} is when it was
 * archived. {@code is_public} says whether anyone may read it without a key (a public model, or
 * any model of a public project). {@code project} is Radflow's addition, to tell apart same-named
 * models of different projects.
 */
final class NeurodeployJson {

    private NeurodeployJson() {
    }

    record Model(@JsonProperty("model_name") String modelName, @JsonProperty("is_public") boolean isPublic,
                 @JsonProperty("library") String library, @JsonProperty("filetype") String fileType,
                 @JsonProperty("created_at") String createdAt, @JsonProperty("updated_at") String updatedAt,
                 @JsonProperty("deleted_at") String deletedAt, @JsonProperty("project") String project) {
    }

    /** One page; {@code page}, {@code limit} and {@code total} let a client page on (Neurodeploy's clients ignore them). */
    record Page(@JsonProperty("models") List<Model> models, @JsonProperty("page") int page, @JsonProperty("limit") int limit,
                @JsonProperty("total") int total) {
    }

    static Model model(ModelSettings m, ProjectSettings project) {
        return new Model(m.getName(), AccessPolicy.isPublic(m, project), Enums.text(m.getLibrary()), Enums.text(m.getFileType()),
                time(m.getCreatedAt()), time(m.getLastUsedAt()), time(m.getArchivedAt()), m.getProjectId());
    }

    private static String time(Instant t) {
        return t == null ? null : t.toString();
    }
}

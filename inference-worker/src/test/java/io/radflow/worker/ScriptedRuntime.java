package io.radflow.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.radflow.common.error.RadflowException;
import io.radflow.common.error.Reason;
import io.radflow.schemas.avro.Device;
import io.radflow.schemas.avro.OutputType;
import io.radflow.schemas.avro.RuntimeKind;
import io.radflow.worker.runtime.ItemResult;
import io.radflow.worker.runtime.LoadedModel;
import io.radflow.worker.runtime.ModelFile;
import io.radflow.worker.runtime.ModelOutput;
import io.radflow.worker.runtime.ModelRequest;
import io.radflow.worker.runtime.ModelRuntime;
import io.radflow.worker.runtime.ModelSpec;
import io.radflow.worker.runtime.OutputData;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A runtime whose "model" is a JSON file listing the outputs to return for each request, the way
 * an MD.ai Python package returns a list of dicts. It stands in for the Python runtime (a later
 * issue) so the worker's validation can be tested with outputs no ONNX model can produce: a
 * missing instance UID, a mask of the wrong size. Registered under kind MDAI_PYTHON.
 *
 * <pre>{"outputs": [{"class_index": 0, "instance_uid": "omit", "mask": {"rows": 10, "columns": 10}}]}</pre>
 */
final class ScriptedRuntime implements ModelRuntime {

    @Override
    public RuntimeKind kind() {
        return RuntimeKind.MDAI_PYTHON;
    }

    @Override
    public LoadedModel load(ModelSpec spec) {
        JsonNode script;
        try {
            script = new ObjectMapper().readTree(spec.artifactFile().toFile());
        } catch (IOException e) {
            throw new RadflowException(Reason.MODEL_LOAD_FAILED, "not a script: " + e.getMessage(), e);
        }
        return new LoadedModel() {
            @Override
            public ModelSpec spec() {
                return spec;
            }

            @Override
            public Device device() {
                return Device.CPU;
            }

            @Override
            public List<ItemResult> run(List<ModelRequest> batch, Duration timeout) {
                List<ItemResult> results = new ArrayList<>();
                for (ModelRequest r : batch) {
                    ModelFile f = r.files().get(0);
                    List<ModelOutput> outs = new ArrayList<>();
                    for (JsonNode o : script.path("outputs")) {
                        String instance = "omit".equals(o.path("instance_uid").asText()) ? null : f.instanceUid();
                        OutputData data = o.has("mask")
                                ? new OutputData.MaskData(o.path("mask").path("rows").asInt(), o.path("mask").path("columns").asInt(),
                                        new byte[o.path("mask").path("rows").asInt() * o.path("mask").path("columns").asInt()])
                                : null;
                        outs.add(new ModelOutput(OutputType.ANNOTATION, f.studyUid(), f.seriesUid(), instance, null,
                                o.path("class_index").asInt(), data, o.has("probability") ? o.path("probability").asDouble() : null,
                                null, null, List.of(), null));
                    }
                    results.add(new ItemResult.Success(outs));
                }
                return results;
            }

            @Override
            public boolean healthy() {
                return true;
            }

            @Override
            public void close() {
            }
        };
    }

    @Override
    public boolean healthy() {
        return true;
    }

    @Override
    public void close() {
    }
}

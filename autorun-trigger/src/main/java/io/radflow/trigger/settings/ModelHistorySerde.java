package io.radflow.trigger.settings;

import io.radflow.schemas.avro.Scope;
import io.radflow.schemas.routing.InstanceRouting;
import io.radflow.trigger.codec.RoutingCodec;
import io.radflow.trigger.codec.StateInput;
import io.radflow.trigger.codec.StateOutput;
import io.radflow.trigger.codec.StateSerde;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Store format of {@link ModelHistory}. */
public final class ModelHistorySerde extends StateSerde<ModelHistory> {

    public ModelHistorySerde() {
        super("model history", 2);
    }

    @Override
    protected void write(StateOutput out, ModelHistory h) throws IOException {
        out.string(h.modelId());
        out.integer(h.snapshots().size());
        for (ModelSnapshot s : h.snapshots()) {
            out.longValue(s.effectiveFrom());
            out.string(s.projectId());
            out.bool(s.exists());
            out.bool(s.autoRun());
            out.bool(s.archived());
            out.bool(s.active() != null);
            if (s.active() != null) {
                out.integer(s.active().version());
                out.string(s.active().scope().name());
                out.stringMap(s.active().args());
                RoutingCodec.write(out, s.active().routing());
            }
        }
    }

    @Override
    protected ModelHistory read(StateInput in, int formatVersion) throws IOException {
        String modelId = in.string();
        int n = in.integer();
        List<ModelSnapshot> snapshots = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            long from = in.longValue();
            String project = in.string();
            boolean exists = in.bool();
            boolean autoRun = in.bool();
            boolean archived = in.bool();
            ActiveVersion active = null;
            if (in.bool()) {
                int version = in.integer();
                Scope scope = Scope.valueOf(in.string());
                Map<String, String> args = in.stringMap();
                // format 1 was written before routing rules existed: every version took every image
                active = new ActiveVersion(version, scope, args, formatVersion >= 2 ? RoutingCodec.read(in) : InstanceRouting.EVERY_IMAGE);
            }
            snapshots.add(new ModelSnapshot(from, project, exists, autoRun, archived, active));
        }
        return new ModelHistory(modelId, snapshots);
    }
}

package io.radflow.trigger.settings;

import io.radflow.schemas.avro.Scope;
import io.radflow.trigger.codec.StateInput;
import io.radflow.trigger.codec.StateOutput;
import io.radflow.trigger.codec.StateSerde;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Store format of {@link ModelHistory}. */
public final class ModelHistorySerde extends StateSerde<ModelHistory> {

    public ModelHistorySerde() {
        super("model history", 1);
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
            ActiveVersion active = in.bool() ? new ActiveVersion(in.integer(), Scope.valueOf(in.string()), in.stringMap()) : null;
            snapshots.add(new ModelSnapshot(from, project, exists, autoRun, archived, active));
        }
        return new ModelHistory(modelId, snapshots);
    }
}

package io.radflow.trigger.group;

import io.radflow.schemas.routing.InstanceRouting;
import io.radflow.trigger.codec.RoutingCodec;
import io.radflow.trigger.codec.StateInput;
import io.radflow.trigger.codec.StateOutput;
import io.radflow.trigger.codec.StateSerde;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Map;

/** Store format of {@link GroupState}. */
public final class GroupStateSerde extends StateSerde<GroupState> {

    public GroupStateSerde() {
        super("group", 2);
    }

    @Override
    protected void write(StateOutput out, GroupState g) throws IOException {
        out.nullableString(g.datasetId);
        out.bool(g.opened);
        out.longValue(g.openedAt);
        out.integer(g.models.size());
        for (PinnedModel m : g.models) {
            out.string(m.modelId());
            out.integer(m.version());
            out.stringMap(m.args());
            RoutingCodec.write(out, m.routing());
            out.integer(m.taken());
            out.integer(m.takenAtLastEmission());
            out.integer(m.lastRevision());
            out.nullableString(m.lastJobId());
        }
        out.integer(g.instanceCount);
        out.integer(g.emittedInstanceCount);
        out.integer(g.emissions);
        out.longValue(g.pendingSince);
        out.longValue(g.lastNewInstanceAt);
        out.longValue(g.lastActivityAt);
        out.nullableInt(g.expectedFromData);
        out.bool(g.expectedCountFired);
        out.bool(g.markerPending);
        out.nullableInt(g.markerCount);
        out.integer(g.markerEventIds.size());
        for (String id : g.markerEventIds) {
            out.string(id);
        }
        out.nullableString(g.dueKey);
    }

    @Override
    protected GroupState read(StateInput in, int formatVersion) throws IOException {
        GroupState g = new GroupState();
        g.datasetId = in.nullableString();
        g.opened = in.bool();
        g.openedAt = in.longValue();
        int models = in.integer();
        g.models = new ArrayList<>(models);
        for (int i = 0; i < models; i++) {
            String modelId = in.string();
            int version = in.integer();
            Map<String, String> args = in.stringMap();
            if (formatVersion >= 2) {
                g.models.add(new PinnedModel(modelId, version, args, RoutingCodec.read(in), in.integer(), in.integer(), in.integer(),
                        in.nullableString()));
            } else {
                g.models.add(new PinnedModel(modelId, version, args, InstanceRouting.EVERY_IMAGE, 0, 0, in.integer(),
                        in.nullableString()));
            }
        }
        g.instanceCount = in.integer();
        g.emittedInstanceCount = in.integer();
        if (formatVersion < 2) {
            // Format 1 predates routing rules: every model took every instance, and pending meant
            // instances beyond the last emission.
            for (int i = 0; i < g.models.size(); i++) {
                PinnedModel m = g.models.get(i);
                g.models.set(i, new PinnedModel(m.modelId(), m.version(), m.args(), m.routing(), g.instanceCount,
                        g.emittedInstanceCount, m.lastRevision(), m.lastJobId()));
            }
        }
        g.emissions = in.integer();
        g.pendingSince = in.longValue();
        g.lastNewInstanceAt = in.longValue();
        g.lastActivityAt = in.longValue();
        g.expectedFromData = in.nullableInt();
        g.expectedCountFired = in.bool();
        g.markerPending = in.bool();
        g.markerCount = in.nullableInt();
        int markers = in.integer();
        g.markerEventIds = new ArrayList<>(markers);
        for (int i = 0; i < markers; i++) {
            g.markerEventIds.add(in.string());
        }
        g.dueKey = in.nullableString();
        return g;
    }
}

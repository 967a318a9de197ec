package io.radflow.trigger.codec;

import io.radflow.schemas.avro.RoutingRules;
import io.radflow.schemas.routing.InstanceRouting;
import java.io.IOException;

/** Store format of a version's routing rules, shared by the model history and the groups that pin versions. */
public final class RoutingCodec {

    private RoutingCodec() {
    }

    public static void write(StateOutput out, InstanceRouting routing) throws IOException {
        RoutingRules r = routing.rules();
        out.stringList(r.getModalities());
        out.stringList(r.getSopClassUids());
        out.stringList(r.getBodyPartsExamined());
        out.nullableString(r.getSeriesDescriptionPattern());
    }

    public static InstanceRouting read(StateInput in) throws IOException {
        return InstanceRouting.of(RoutingRules.newBuilder().setModalities(in.stringList()).setSopClassUids(in.stringList())
                .setBodyPartsExamined(in.stringList()).setSeriesDescriptionPattern(in.nullableString()).build());
    }
}

package io.radflow.pixels;

/** Limits and placement of the codec processes. (Fields to be settled by the codec work.) */
public record CodecSettings() {

    public static CodecSettings defaults() {
        return new CodecSettings();
    }
}

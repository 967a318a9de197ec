package io.radflow.dicom;

import java.util.HashMap;
import java.util.Map;

/** Value representations (PS3.5 6.2): which ones have a 4-byte length in explicit VR. */
enum Vr {
    AE, AS, AT, CS, DA, DS, DT, FD, FL, IS, LO, LT, PN, SH, SL, SS, ST, TM, UI, UL, US,
    OB(true), OD(true), OF(true), OL(true), OV(true), OW(true), SQ(true), SV(true), UC(true), UN(true), UR(true),
    UT(true), UV(true);

    private static final Map<Integer, Vr> BY_CODE = new HashMap<>();

    static {
        for (Vr vr : values()) {
            BY_CODE.put(code(vr.name().charAt(0), vr.name().charAt(1)), vr);
        }
    }

    /** Explicit VR encodes these with 2 reserved bytes and a 32-bit length. */
    final boolean longLength;

    Vr() {
        this(false);
    }

    Vr(boolean longLength) {
        this.longLength = longLength;
    }

    /** The VR spelled by two bytes, or null when they spell none. */
    static Vr of(int b0, int b1) {
        return BY_CODE.get(code(b0, b1));
    }

    private static int code(int b0, int b1) {
        return (b0 & 0xFF) << 8 | (b1 & 0xFF);
    }

    /** Values are text (split on backslash, padded with spaces or NUL). */
    boolean isText() {
        return switch (this) {
            case AE, AS, CS, DA, DS, DT, IS, LO, LT, PN, SH, ST, TM, UI, UC, UR, UT -> true;
            default -> false;
        };
    }
}

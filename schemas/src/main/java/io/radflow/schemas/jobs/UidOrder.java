package io.radflow.schemas.jobs;

import java.util.Comparator;

/**
 * Orders DICOM UIDs component by component, numerically where both components are digits, so
 * {@code 1.2.9} comes before {@code 1.2.10} (plain string order would put it after). UIDs equal
 * as numbers but written differently ({@code 1.2.009}) fall back to string order, so the order
 * is total and deterministic.
 */
public final class UidOrder implements Comparator<String> {

    public static final UidOrder INSTANCE = new UidOrder();

    private UidOrder() {
    }

    @Override
    public int compare(String a, String b) {
        String[] pa = a.split("\\.", -1);
        String[] pb = b.split("\\.", -1);
        for (int i = 0; i < Math.min(pa.length, pb.length); i++) {
            int c = component(pa[i], pb[i]);
            if (c != 0) {
                return c;
            }
        }
        int c = Integer.compare(pa.length, pb.length);
        return c != 0 ? c : a.compareTo(b);
    }

    private static int component(String a, String b) {
        boolean da = digits(a);
        boolean db = digits(b);
        if (da && db) {
            String na = stripZeros(a);
            String nb = stripZeros(b);
            int c = Integer.compare(na.length(), nb.length());
            return c != 0 ? c : na.compareTo(nb);
        }
        if (da != db) {
            // Non-conforming components (letters) sort after every number.
            return da ? -1 : 1;
        }
        return a.compareTo(b);
    }

    private static boolean digits(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    private static String stripZeros(String s) {
        int i = 0;
        while (i < s.length() - 1 && s.charAt(i) == '0') {
            i++;
        }
        return s.substring(i);
    }
}

package io.radflow.exporter.destination;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomInputStream;
import com.pixelmed.network.MultipleInstanceTransferStatusHandler;
import com.pixelmed.network.StorageSOPClassSCU;
import io.radflow.common.error.Reason;
import io.radflow.exporter.ExportException;
import io.radflow.exporter.ExportObject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * DICOM C-STORE to a node (AE title, host, port) with PixelMed's storage SCU, one association per
 * job. A node that cannot be reached is transient; an association that rejects us or an object
 * answered with a failure status is a refusal.
 */
public final class CStoreDestination implements Destination {

    private final String calledAe;
    private final String host;
    private final int port;
    private final String callingAe;
    private final int connectTimeoutMs;

    public CStoreDestination(String calledAe, String host, int port, String callingAe, int connectTimeoutMs) {
        this.calledAe = calledAe;
        this.host = host;
        this.port = port;
        this.callingAe = callingAe;
        this.connectTimeoutMs = connectTimeoutMs;
    }

    @Override
    public String describe() {
        return "C_STORE " + calledAe + "@" + host + ":" + port;
    }

    @Override
    public Map<String, String> store(List<ExportObject> objects) {
        if (objects.isEmpty()) {
            return Map.of();
        }
        // PixelMed reports an unreachable node only as a generic network error: probe first to tell it apart.
        try (Socket probe = new Socket()) {
            probe.connect(new InetSocketAddress(host, port), connectTimeoutMs);
        } catch (IOException e) {
            throw new ExportException(Reason.DESTINATION_UNAVAILABLE, "cannot reach the DICOM node " + describe() + ": " + e.getMessage(), e);
        }
        AttributeList[] lists = new AttributeList[objects.size()];
        Set<String> sopClasses = new HashSet<>();
        for (int i = 0; i < objects.size(); i++) {
            AttributeList list = new AttributeList();
            try {
                list.read(new DicomInputStream(new ByteArrayInputStream(objects.get(i).bytes())));
            } catch (IOException | com.pixelmed.dicom.DicomException e) {
                throw new ExportException(Reason.DESTINATION_REJECTED, "object " + objects.get(i).sopInstanceUid()
                        + " cannot be read for C-STORE: " + e.getMessage(), e);
            }
            lists[i] = list;
            sopClasses.add(objects.get(i).sopClassUid());
        }
        List<String> failed = new ArrayList<>();
        int[] counts = new int[3];
        MultipleInstanceTransferStatusHandler status = new MultipleInstanceTransferStatusHandler() {
            @Override
            public void updateStatus(int remaining, int completed, int failedCount, int warning, String sopInstanceUid) {
                counts[0] = completed;
                counts[1] = failedCount;
                counts[2] = warning;
                if (failedCount > failed.size()) {
                    failed.add(sopInstanceUid);
                }
            }
        };
        try {
            new StorageSOPClassSCU(host, port, calledAe, callingAe, sopClasses, lists, 0, status, null, 0, 0);
        } catch (Exception e) {
            throw new ExportException(Reason.DESTINATION_REJECTED, "the DICOM node " + describe() + " refused the association or the objects: "
                    + e.getMessage(), e);
        }
        if (!failed.isEmpty() || counts[0] + counts[2] < objects.size()) {
            throw new ExportException(Reason.DESTINATION_REJECTED, "the DICOM node " + describe() + " refused "
                    + (failed.isEmpty() ? (objects.size() - counts[0] - counts[2]) + " object(s)" : "instance(s) " + failed));
        }
        return Map.of();
    }
}

package io.radflow.worker.runtime.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.radflow.common.error.RadflowException;
import io.radflow.common.error.Reason;
import io.radflow.schemas.avro.AnnotationMode;
import io.radflow.schemas.avro.LabelClass;
import io.radflow.schemas.avro.LabelType;
import io.radflow.worker.postprocess.TensorPostprocessor.HeadKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the worker reads from an ONNX model's signature: one float image input {@code [N, C, H, W]}
 * (C of 1 or 3; H and W fixed, or both dynamic to take frames at their own size; N dynamic or a
 * fixed batch size), and float outputs of rank 2 (class scores) or 4 (segmentation maps). A model
 * outside this contract fails to load with a message saying which part does not fit.
 *
 * @param fixedBatch the model's fixed batch size, or -1 when N is dynamic
 * @param rows       -1 when H and W are dynamic
 */
record OnnxLayout(String inputName, int channels, int rows, int columns, int fixedBatch, List<Head> heads) {

    record Head(String name, HeadKind kind) {
    }

    boolean dynamicSize() {
        return rows < 0;
    }

    static OnnxLayout of(OrtSession session, List<LabelClass> labels) {
        try {
            Map<String, NodeInfo> inputs = session.getInputInfo();
            if (inputs.size() != 1) {
                throw unfit("has " + inputs.size() + " inputs " + inputs.keySet() + "; the worker feeds exactly one image tensor");
            }
            NodeInfo in = inputs.values().iterator().next();
            if (!(in.getInfo() instanceof TensorInfo t) || t.type != OnnxJavaType.FLOAT || t.getShape().length != 4) {
                throw unfit("input " + in.getName() + " is " + in.getInfo() + "; expected a float tensor [N, C, H, W]");
            }
            long[] s = t.getShape();
            int channels = s[1] < 0 ? 1 : (int) s[1];
            if (channels != 1 && channels != 3) {
                throw unfit("input " + in.getName() + " has " + s[1] + " channels; the worker feeds grey images as 1 or 3 channels");
            }
            if ((s[2] < 0) != (s[3] < 0)) {
                throw unfit("input " + in.getName() + " fixes only one of height and width " + java.util.Arrays.toString(s));
            }
            List<Head> heads = new ArrayList<>();
            for (NodeInfo out : session.getOutputInfo().values()) {
                if (!(out.getInfo() instanceof TensorInfo ot) || ot.type != OnnxJavaType.FLOAT) {
                    throw unfit("output " + out.getName() + " is " + out.getInfo() + "; expected float tensors");
                }
                int rank = ot.getShape().length;
                if (rank == 2) {
                    heads.add(new Head(out.getName(), HeadKind.CLASSIFICATION));
                } else if (rank == 4) {
                    heads.add(new Head(out.getName(), HeadKind.SEGMENTATION));
                } else {
                    throw unfit("output " + out.getName() + " has rank " + rank
                            + "; the worker reads [N, C] class scores or [N, C, H, W] maps");
                }
            }
            if (heads.stream().anyMatch(h -> h.kind() == HeadKind.SEGMENTATION)) {
                for (LabelClass l : labels) {
                    if (l.getType() == LabelType.LOCAL && l.getAnnotationMode() != AnnotationMode.MASK
                            && l.getAnnotationMode() != AnnotationMode.BBOX) {
                        throw unfit("label " + l.getLabelId() + " has annotation mode " + l.getAnnotationMode()
                                + "; segmentation maps become MASK or BBOX annotations");
                    }
                }
            }
            return new OnnxLayout(in.getName(), channels, (int) s[2], (int) s[3], s[0] < 0 ? -1 : (int) s[0], heads);
        } catch (OrtException e) {
            throw new RadflowException(Reason.MODEL_LOAD_FAILED, "cannot read the model's signature: " + e.getMessage(), e);
        }
    }

    private static RadflowException unfit(String what) {
        return new RadflowException(Reason.MODEL_LOAD_FAILED, "ONNX model " + what);
    }
}

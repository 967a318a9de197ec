package io.radflow.worker.runtime.onnx;

import io.radflow.schemas.avro.Device;

/**
 * How this worker runs ONNX models.
 *
 * @param device         GPU to use the CUDA execution provider when it is available (CPU otherwise)
 * @param gpuDeviceId    which CUDA device
 * @param intraOpThreads threads one model run may use; 0 lets ONNX Runtime choose
 */
public record OnnxSettings(Device device, int gpuDeviceId, int intraOpThreads) {
}

# syntax=docker/dockerfile:1.7
# Radflow's GPU worker image: the services image's layout on NVIDIA's CUDA 12 + cuDNN 9 runtime,
# built with the parent pom's gpu profile (onnxruntime_gpu, the CUDA execution provider of ONNX
# Runtime 1.29). Runs `inference-worker` with worker.device=gpu unless told otherwise. Build from
# the repository root:
#   docker build -f deploy/docker/gpu.Dockerfile -t radflow-gpu .
#   docker run --rm --gpus all radflow-gpu inference-worker --bootstrap-servers kafka:9092 \
#       --schema-registry-url http://schema-registry:8080/apis/ccompat/v7
# The host needs an NVIDIA driver for CUDA 12 and the NVIDIA container toolkit; on Kubernetes,
# the NVIDIA device plugin (resource nvidia.com/gpu).

ARG MAVEN_IMAGE=maven:3.9-eclipse-temurin-17
ARG CUDA_IMAGE=nvidia/cuda:12.8.1-cudnn-runtime-ubuntu24.04

FROM ${MAVEN_IMAGE} AS build
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/root/.m2 sh deploy/docker/build-dist.sh /dist -Pgpu

FROM ${CUDA_IMAGE}
COPY deploy/docker/install-runtime.sh /tmp/install-runtime.sh
RUN sh /tmp/install-runtime.sh && rm /tmp/install-runtime.sh
COPY --chmod=755 deploy/docker/radflow-entrypoint.sh /opt/radflow/bin/radflow
COPY --from=build /dist/lib /opt/radflow/lib
COPY --from=build /dist/native /opt/radflow/native
COPY --from=build /dist/radflow-launcher.jar /opt/radflow/radflow-launcher.jar

ENV RADFLOW_CONTENT_STORE_DIR=/var/lib/radflow/content \
    RADFLOW_ARTIFACT_STORE_DIR=/var/lib/radflow/artifacts \
    RADFLOW_METRICS_PORT=9404 \
    RADFLOW_WORKER_DEVICE=gpu

USER 10001:10001
WORKDIR /var/lib/radflow
EXPOSE 9404
ENTRYPOINT ["/opt/radflow/bin/radflow"]
CMD ["inference-worker"]

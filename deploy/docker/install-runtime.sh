#!/bin/sh
# Run-time layer of both images (Ubuntu 24.04: ubuntu:24.04 for the services image, NVIDIA's
# CUDA 12 + cuDNN 9 image for GPU workers):
#   - a Java 17 runtime;
#   - Python 3 with pydicom, numpy, msgpack, PyYAML, Pillow and GDCM, so workers run MD.ai-style
#     model packages that decode compressed pixel data (worker.mdai.python defaults to
#     /usr/bin/python3), with venv and pip: a package whose requirements.txt the image does not
#     meet gets its own virtual environment under worker.mdai.env.dir (default
#     /var/lib/radflow/.radflow/mdai-envs), installed from worker.mdai.pip.index.url or, offline,
#     a wheelhouse (worker.mdai.pip.find.links); or extend the image (FROM radflow, apt-get);
#   - GDCM's JNI library (libgdcm-java), which the worker's codec processes load
#     (pixels.codec.jni.library); its Java classes come with Radflow's jars, built against the same
#     distribution's package in the build stage;
#   - curl for health checks;
#   - the unprivileged user radflow (uid and gid 10001) and its data directory /var/lib/radflow
#     (content/ and artifacts/ stores, Streams state, unpacked MD.ai packages).
set -eu
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends \
  openjdk-17-jre-headless ca-certificates curl \
  python3 python3-numpy python3-pydicom python3-msgpack python3-yaml python3-pil python3-gdcm \
  python3-venv python3-pip \
  libgdcm-java
rm -rf /var/lib/apt/lists/*
groupadd --system --gid 10001 radflow
useradd --system --uid 10001 --gid 10001 --home-dir /var/lib/radflow --shell /usr/sbin/nologin radflow
mkdir -p /var/lib/radflow/content /var/lib/radflow/artifacts /var/lib/radflow/state
chown -R radflow:radflow /var/lib/radflow

#!/bin/sh
# Build stage of both images: builds ./radflow's launcher and lays out what the containers run in
# the directory named by $1:
#   radflow-launcher.jar  the launcher (main class io.radflow.launcher.Main)
#   lib/                  its runtime classpath, every module and library jar
#   native/               ONNX Runtime's native libraries (and, with -Pgpu, its CUDA providers),
#                         unpacked here once so a container never unpacks them at start-up and can
#                         run with a read-only root file system (-Donnxruntime.native.path)
# Further arguments go to Maven, e.g. -Pgpu for onnxruntime_gpu.
set -eu
OUT="$1"
shift
# Maven Central lacks GDCM's and PixelMed's Java bindings: the build takes Debian's/Ubuntu's jars
# (modules gdcm-bindings and pixelmed-bindings), so the build stage installs those packages.
if [ ! -f /usr/share/java/gdcm.jar ] || [ ! -f /usr/share/java/pixelmed.jar ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends libgdcm-java libpixelmed-java
fi
mvn -B -ntp -DskipTests "$@" -pl launcher -am package
mkdir -p "$OUT/native"
cp launcher/target/radflow-launcher.jar "$OUT/"
cp -r launcher/target/lib "$OUT/lib"
ORT_JAR="$(ls "$OUT"/lib/onnxruntime*.jar)"
cd "$OUT/native"
jar xf "$ORT_JAR" ai/onnxruntime/native/linux-x64
mv ai/onnxruntime/native/linux-x64/* .
rm -r ai

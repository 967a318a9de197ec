#!/bin/sh
# Entry point of the Radflow images: the JVM launch of ./radflow without its build step. The
# first argument is the subcommand, which chooses the service:
#   registry-service | autorun-trigger | inference-worker | orthanc-bridge | upload | topics create | ...
# Environment: RADFLOW_* configuration keys (./radflow config lists them), RADFLOW_JAVA_OPTS (extra
# JVM flags), RADFLOW_LOG_FORMAT=json (one JSON object per log line), RADFLOW_LOG_LEVEL.
set -eu
LOG_CONFIG=logback.xml
if [ "${RADFLOW_LOG_FORMAT:-text}" = "json" ]; then
  LOG_CONFIG=logback-json.xml
fi
# Heap from the container's memory limit; die on OutOfMemoryError so the orchestrator restarts us.
# shellcheck disable=SC2086
exec java -XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError ${RADFLOW_JAVA_OPTS:-} \
  -Dradflow.home=/var/lib/radflow \
  -Dlogback.configurationFile="$LOG_CONFIG" \
  -Donnxruntime.native.path=/opt/radflow/native \
  -cp "/opt/radflow/radflow-launcher.jar:/opt/radflow/lib/*" \
  io.radflow.launcher.Main "$@"

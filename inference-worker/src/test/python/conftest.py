"""pytest set-up for the MD.ai runner's tests: the runner package is imported from the resources it
ships in (src/main/resources/io/radflow/worker/runtime/mdai), as the worker copies them out of the jar."""

import os
import sys

RUNNER_PARENT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "main", "resources",
                                             "io", "radflow", "worker", "runtime", "mdai"))
if RUNNER_PARENT not in sys.path:
    sys.path.insert(0, RUNNER_PARENT)

"""Radflow's host process for one MD.ai-style model package (MD.ai deploy API 0.4).

The worker starts one of these per loaded model version, as ``python3 -m radflow_mdai_runner
PACKAGE_ROOT DATA_DIR GPU_ID|none`` with this package's parent directory on PYTHONPATH, and talks
to it over the process's stdin and stdout (see protocol.py for the framing and messages).

Modules: protocol (framing, private streams), config (.mdai/config.yaml), prepare (host checks run
before the start: base_image, cuda_version, what requirements.txt names that is missing), requirements
(requirements.txt against this interpreter), outputs (MD.ai's output checks), predict (one
request into result units), __main__ (start-up and the request loop).

Nothing here may print or import a model package at import time: __main__ takes the real stdout
before the model is imported.
"""

API_VERSION = "0.4"

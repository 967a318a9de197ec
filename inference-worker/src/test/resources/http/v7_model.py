"""A V7-style "bring your own model" HTTP server for the worker's tests (PIL + numpy).

    python3 v7_model.py PORT_FILE

Binds 127.0.0.1 on a free port, writes the port to PORT_FILE, and serves, under any first path
segment MODE (http://127.0.0.1:PORT/MODE is a model's url):

    GET  /MODE/api/classes  the classes below
    POST /MODE/api/infer    {"image": {"base64": PNG}} ->
        {"status": "succeeded", "results": [
           {"name": "bright", "label": "bright", "confidence": fraction of pixels above the mean, "tag": {}},
           {"name": "region", ..., "bounding_box": {x, y, w, h} of the pixels above (min + max) / 2},
           {"name": "outline", ..., "polygon": {"path": the corners of that box}},
           {"name": "peak", ..., "keypoint": the first brightest pixel},
           {"name": "unused", ..., "tag": {}}]}

MODE picks a behaviour: good; error500 (always HTTP 500); flaky (HTTP 503 twice per image, then
good); garbage (not JSON); failed (status failed); hang (never answers); stall (sends the headers and
part of the body, then nothing); close (drops the connection); slow (good, after 8 s); empty (HTTP 200, no body); stranger (a class it never listed); auth (good, but only
with "Authorization: Bearer s3cret", else HTTP 401). GET /MODE/count says how many infer requests
MODE received.
"""
import base64
import collections
import io
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
from PIL import Image

CLASSES = [
    {"name": "bright", "type": "tag"},
    {"name": "region", "type": "bounding_box"},
    {"name": "outline", "type": "polygon"},
    {"name": "peak", "type": "keypoint"},
    {"name": "unused", "type": "tag"},
]
LOCK = threading.Lock()
SEEN = collections.Counter()
COUNT = collections.Counter()


def results(pixels):
    frame = pixels.astype(np.float64)
    lo, hi = frame.min(), frame.max()
    t = (lo + hi) / 2.0
    above = frame > t
    out = [{"name": "bright", "label": "bright", "confidence": float((frame > frame.mean()).mean()), "tag": {}}]
    if above.any():
        rows = np.flatnonzero(above.any(axis=1))
        cols = np.flatnonzero(above.any(axis=0))
        x0, y0, x1, y1 = int(cols[0]), int(rows[0]), int(cols[-1]) + 1, int(rows[-1]) + 1
        out.append({"name": "region", "label": "region", "confidence": 1.0,
                    "bounding_box": {"x": x0, "y": y0, "w": x1 - x0, "h": y1 - y0}})
        out.append({"name": "outline", "label": "outline", "confidence": 1.0,
                    "polygon": {"path": [{"x": x0, "y": y0}, {"x": x1, "y": y0}, {"x": x1, "y": y1}, {"x": x0, "y": y1}]}})
    r, c = np.unravel_index(int(np.argmax(frame)), frame.shape)
    out.append({"name": "peak", "label": "peak", "confidence": None, "keypoint": {"x": int(c), "y": int(r)}})
    out.append({"name": "unused", "label": "unused", "confidence": 0.5, "tag": {}})
    return out


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def _mode(self):
        parts = self.path.strip("/").split("/")
        return parts[0], "/".join(parts[1:])

    def _send(self, status, body, content_type="application/json"):
        data = body.encode() if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _refused(self, mode):
        if mode == "auth" and self.headers.get("Authorization") != "Bearer s3cret":
            self._send(401, json.dumps({"error": "unauthorized"}))
            return True
        return False

    def do_GET(self):
        mode, rest = self._mode()
        if rest != "count" and self._refused(mode):
            return
        if rest == "api/classes":
            self._send(200, json.dumps(CLASSES))
        elif rest == "count":
            with LOCK:
                self._send(200, json.dumps({"infer": COUNT[mode]}))
        else:
            self._send(404, "{}")

    def do_POST(self):
        mode, rest = self._mode()
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if rest != "api/infer":
            self._send(404, "{}")
            return
        with LOCK:
            COUNT[mode] += 1
        if self._refused(mode):
            return
        if mode == "error500":
            self._send(500, "Traceback (most recent call last): model exploded")
            return
        if mode == "hang":
            time.sleep(3600)
            return
        if mode == "slow":
            time.sleep(8)  # longer than the worker's max.poll.interval.ms in WorkerSlowModelIT, then a good answer
        if mode == "stall":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", "100")
            self.end_headers()
            self.wfile.write(b'{"status": "succ')
            self.wfile.flush()
            time.sleep(3600)
            return
        if mode == "close":
            self.close_connection = True
            self.connection.shutdown(2)
            return
        if mode == "empty":
            self._send(200, b"")
            return
        if mode == "garbage":
            self._send(200, "<html>this is not json</html>", "text/html")
            return
        if mode == "failed":
            self._send(200, json.dumps({"status": "failed", "error": "model could not process the image"}))
            return
        image = base64.b64decode(json.loads(body)["image"]["base64"])
        if mode == "flaky":
            key = hash(image)
            with LOCK:
                SEEN[key] += 1
                tries = SEEN[key]
            if tries <= 2:
                self._send(503, "warming up")
                return
        pixels = np.asarray(Image.open(io.BytesIO(image)).convert("L"))
        out = results(pixels)
        if mode == "stranger":
            out.append({"name": "dragon", "label": "dragon", "confidence": 0.9, "tag": {}})
        self._send(200, json.dumps({"status": "succeeded", "results": out}))


def main():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    with open(sys.argv[1] + ".tmp", "w") as f:
        f.write(str(server.server_address[1]))
    import os
    os.replace(sys.argv[1] + ".tmp", sys.argv[1])
    server.serve_forever()


if __name__ == "__main__":
    main()

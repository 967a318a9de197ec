"""The wire protocol: every message is a 4-byte big-endian length followed by a msgpack map.

Messages from the worker:
  {"kind": "predict", "grouped": bool, "data": {MD.ai's input: files, annotations,
   label_classes, args, input_data_source}, "group_annotations": [[...] per group] when grouped}
  {"kind": "shutdown"}
Messages to the worker:
  {"kind": "hello", ...}  once the package is imported and MDAIModel constructed
  {"kind": "error", "stage": ..., "message": ..., "traceback": ...}  when that failed (then exit)
  {"kind": "result", "mode": "single" | "groups" | "batch", "units": [unit, ...]}  per predict,
  where a unit is {"ok": True, "outputs": [...]} or {"ok": False, "error": "model_error" |
  "invalid_output" | "bad_request", "message": ..., "traceback": ...}.

take_streams() moves the real stdin and stdout to private file descriptors before the package is
imported; file descriptors 0 and 1 then point at /dev/null and stderr, and sys.stdout at
sys.stderr, so nothing a model prints, from Python or from native code, can corrupt the stream.
"""

import os
import struct
import sys
import traceback

import msgpack

TRACEBACK_LIMIT = 8000
_HEADER = struct.Struct(">I")


def pack(message):
    """The message's msgpack body; raises TypeError/ValueError/OverflowError for what msgpack cannot carry."""
    return msgpack.packb(message, use_bin_type=True)


def write_message(stream, message):
    # Packing happens before anything is written, so a message that cannot be packed leaves the stream intact.
    body = pack(message)
    stream.write(_HEADER.pack(len(body)))
    stream.write(body)
    stream.flush()


def read_message(stream):
    """The next message, or None at the end of the stream (also in the middle of a message)."""
    header = _read_exactly(stream, 4)
    if header is None:
        return None
    (length,) = _HEADER.unpack(header)
    body = _read_exactly(stream, length)
    if body is None:
        return None
    return msgpack.unpackb(body, raw=False)


def _read_exactly(stream, n):
    chunks = []
    remaining = n
    while remaining > 0:
        chunk = stream.read(remaining)
        if not chunk:
            return None
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def traceback_text():
    """The current exception's traceback, its last TRACEBACK_LIMIT characters when longer."""
    text = traceback.format_exc()
    return text if len(text) <= TRACEBACK_LIMIT else "...\n" + text[-TRACEBACK_LIMIT:]


class Channel:
    """Both directions of the protocol over two binary streams."""

    def __init__(self, stream_in, stream_out):
        self.stream_in = stream_in
        self.stream_out = stream_out

    def send(self, message):
        write_message(self.stream_out, message)

    def receive(self):
        return read_message(self.stream_in)

    def send_result(self, result):
        """Sends a result; units whose outputs msgpack cannot carry become invalid_output."""
        try:
            self.send(result)
            return
        except (TypeError, ValueError, OverflowError):
            pass
        for i, unit in enumerate(result["units"]):
            if unit.get("ok"):
                try:
                    pack(unit["outputs"])
                except (TypeError, ValueError, OverflowError) as e:
                    result["units"][i] = {"ok": False, "error": "invalid_output", "traceback": None,
                                          "message": "outputs cannot be serialized: %s" % e}
        self.send(result)


def take_streams():
    """Takes this process's stdin and stdout for the protocol and returns the Channel over them.
    After this, fd 0 reads /dev/null and fd 1 writes to stderr, for this process and every child
    it starts."""
    stream_in = os.fdopen(os.dup(0), "rb")
    stream_out = os.fdopen(os.dup(1), "wb")
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    os.dup2(2, 1)
    sys.stdin = open(os.devnull, "r")
    sys.stdout = sys.stderr

    def close_protocol_in_child():
        # A forked child (multiprocessing in a model) must not hold the protocol pipes: if it did,
        # the worker would see no end of stream when this process dies, and wait for the timeout
        # instead. The descriptors now point at /dev/null rather than being closed, so a file the
        # child opens never gets their numbers (the inherited file objects would flush into it at exit).
        child_null = os.open(os.devnull, os.O_RDWR)
        for stream in (stream_in, stream_out):
            try:
                os.dup2(child_null, stream.fileno())
            except OSError:
                pass
        os.close(child_null)

    os.register_at_fork(after_in_child=close_protocol_in_child)
    return Channel(stream_in, stream_out)

"""Framing: a 4-byte big-endian length, then a msgpack map; results the worker can always read."""

import io
import os
import struct
import threading

import msgpack

from radflow_mdai_runner import protocol


class Trickle:
    """A stream whose reads return at most 3 bytes, as reads from a pipe may return less than asked."""

    def __init__(self, data):
        self.data = io.BytesIO(data)

    def read(self, n):
        return self.data.read(min(n, 3))


def test_should_round_trip_every_value_kind_the_worker_sends():
    message = {"kind": "predict", "grouped": True, "data": {
        "files": [[{"content": b"\x00\xffDICM", "content_type": "application/dicom", "content_path": None}]],
        "args": {"threshold": 0.5, "n": -3, "big": 2 ** 40, "name": "ünïcode"}, "annotations": [],
        "label_classes": [{"class_index": 0, "label_id": "L_x"}]}}
    stream = io.BytesIO()
    protocol.write_message(stream, message)
    stream.seek(0)
    assert protocol.read_message(stream) == message


def test_should_prefix_each_message_with_its_big_endian_length():
    stream = io.BytesIO()
    protocol.write_message(stream, {"kind": "shutdown"})
    raw = stream.getvalue()
    (length,) = struct.unpack(">I", raw[:4])
    assert length == len(raw) - 4
    assert msgpack.unpackb(raw[4:], raw=False) == {"kind": "shutdown"}
    assert isinstance(msgpack.unpackb(protocol.pack({"b": b"x"}), raw=False)["b"], bytes)  # bin, not str


def test_should_read_consecutive_messages_delivered_a_few_bytes_at_a_time():
    stream = io.BytesIO()
    for i in range(3):
        protocol.write_message(stream, {"kind": "predict", "i": i, "blob": bytes(range(256)) * i})
    reader = Trickle(stream.getvalue())
    assert [protocol.read_message(reader)["i"] for _ in range(3)] == [0, 1, 2]
    assert protocol.read_message(reader) is None


def test_should_read_the_end_of_the_stream_as_none_even_mid_message():
    whole = io.BytesIO()
    protocol.write_message(whole, {"kind": "predict"})
    raw = whole.getvalue()
    assert protocol.read_message(io.BytesIO(b"")) is None
    assert protocol.read_message(io.BytesIO(raw[:2])) is None  # inside the header
    assert protocol.read_message(io.BytesIO(raw[:-1])) is None  # inside the body


def test_should_carry_large_messages_over_a_real_pipe():
    read_fd, write_fd = os.pipe()
    message = {"kind": "result", "units": [{"ok": True, "outputs": [{"content": os.urandom(1 << 20)}]}]}
    with os.fdopen(read_fd, "rb") as r, os.fdopen(write_fd, "wb") as w:
        writer = threading.Thread(target=protocol.write_message, args=(w, message))
        writer.start()
        assert protocol.read_message(r) == message
        writer.join()


def test_should_turn_only_the_units_msgpack_cannot_carry_into_invalid_output():
    out = io.BytesIO()
    channel = protocol.Channel(io.BytesIO(), out)
    result = {"kind": "result", "mode": "groups", "units": [
        {"ok": True, "outputs": [{"type": "NONE", "study_uid": "1.2"}]},
        {"ok": True, "outputs": [{"type": "NONE", "study_uid": object()}]},
        {"ok": False, "error": "model_error", "message": "boom", "traceback": "tb"}]}
    channel.send_result(result)
    out.seek(0)
    sent = protocol.read_message(out)
    assert protocol.read_message(out) is None  # the failed first attempt wrote nothing
    units = sent["units"]
    assert units[0] == {"ok": True, "outputs": [{"type": "NONE", "study_uid": "1.2"}]}
    assert units[1]["ok"] is False and units[1]["error"] == "invalid_output"
    assert units[1]["message"].startswith("outputs cannot be serialized: ")
    assert units[2] == {"ok": False, "error": "model_error", "message": "boom", "traceback": "tb"}


def test_should_keep_the_end_of_a_long_traceback():
    try:
        raise ValueError("x" * (2 * protocol.TRACEBACK_LIMIT) + " the cause")
    except ValueError:
        text = protocol.traceback_text()
    assert len(text) <= protocol.TRACEBACK_LIMIT + 4
    assert text.startswith("...\n")
    assert text.rstrip().endswith("x the cause")
    try:
        raise ValueError("short")
    except ValueError:
        assert protocol.traceback_text().startswith("Traceback (most recent call last):")

"""A fast stand-in for Prometheus's instant query API, for the scale profile: an asyncio
HTTP/1.1 server with keep-alive that answers every `/api/v1/query` with the same one-series
vector. The threaded quiet server answers about 200 requests a second on this machine, which
would make the server, not the cockpit, set the pace of 1,000 queries a second."""

import asyncio
import json
import threading
import time


def _answer():
    body = json.dumps({"status": "success", "data": {"resultType": "vector", "result": [
        {"metric": {}, "value": [time.time(), "1"]}]}}).encode()
    head = (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
            + str(len(body)).encode() + b"\r\n\r\n")
    return head + body


class Counts:
    def __init__(self):
        self.lock = threading.Lock()
        self.times = []

    def note(self, n):
        now = time.monotonic()
        with self.lock:
            self.times.extend([now] * n)

    def answered_between(self, t0, t1):
        with self.lock:
            return sum(1 for at in self.times if t0 <= at < t1)

    def answered_after(self, t, _path_prefix):
        return None


class _Protocol(asyncio.Protocol):
    def __init__(self, counts):
        self.counts = counts
        self.buf = b""

    def connection_made(self, transport):
        self.transport = transport

    def data_received(self, data):
        self.buf += data
        answers = 0
        while True:
            end = self.buf.find(b"\r\n\r\n")
            if end < 0:
                break
            head, self.buf = self.buf[:end], self.buf[end + 4:]
            length = 0
            for line in head.split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            if len(self.buf) < length:  # a POST body not all here yet
                self.buf = head + b"\r\n\r\n" + self.buf
                break
            self.buf = self.buf[length:]
            answers += 1
        if answers:
            self.transport.write(_answer() * answers)
            self.counts.note(answers)


class FastPrometheus:
    def __init__(self):
        self.values = Counts()
        self.loop = asyncio.new_event_loop()
        ready = threading.Event()

        def serve():
            asyncio.set_event_loop(self.loop)
            server = self.loop.run_until_complete(self.loop.create_server(
                lambda: _Protocol(self.values), "127.0.0.1", 0))
            self.port = server.sockets[0].getsockname()[1]
            ready.set()
            self.loop.run_forever()

        self.thread = threading.Thread(target=serve, daemon=True)
        self.thread.start()
        ready.wait()
        self.url = f"http://127.0.0.1:{self.port}"

    def close(self):
        self.loop.call_soon_threadsafe(self.loop.stop)

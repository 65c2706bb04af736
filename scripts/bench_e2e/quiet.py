"""A quiet source server: the demo's endpoints (Prometheus, GitHub Actions runs, Unleash, the
rollback check and the action hooks) on 127.0.0.1, answering the same values every time until
told otherwise. It notes when each request arrives, so value-change latency can be split into
the wait for the next poll and what the cockpit itself adds."""

import json
import re
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

GITHUB_PATH = "/repos/acme/checkout-api/actions/runs"
UNLEASH_PATH = "/api/admin/projects/default/features/checkout-v2"


class Values:
    def __init__(self):
        self.lock = threading.Lock()
        self.error_rate = 0.0042
        self.rollout = 1
        self.requests = []  # (monotonic time the answer was sent, path)

    def note(self, path):
        with self.lock:
            self.requests.append((time.monotonic(), path))

    def answered_between(self, t0, t1):
        """How many answers went out between `t0` and `t1`."""
        with self.lock:
            return sum(1 for at, _ in self.requests if t0 <= at < t1)

    def answered_after(self, t, path_prefix):
        """When the first answer to a request for `path_prefix` went out after `t`."""
        with self.lock:
            for at, path in self.requests:
                if at >= t and path.startswith(path_prefix):
                    return at
        return None


def prometheus_value(query, v):
    q = "".join(query.split())
    if "probe_success" in q:
        return 0
    if q.startswith("histogram_quantile("):
        return 0.182
    if 'track="baseline"' in q:
        return 0.0040
    if 'track="canary"' in q:
        return v.error_rate
    return 1


def make_handler(v):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def _send(self, status, doc):
            body = json.dumps(doc).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            v.note(self.path)

        def _query(self, params):
            query = params.get("query", [""])[0]
            value = prometheus_value(query, v)
            self._send(200, {
                "status": "success",
                "data": {"resultType": "vector",
                         "result": [{"metric": {}, "value": [time.time(), repr(value)]}]},
            })

        def do_GET(self):
            url = urllib.parse.urlsplit(self.path)
            if url.path == "/api/v1/query":
                return self._query(urllib.parse.parse_qs(url.query))
            if url.path == GITHUB_PATH:
                return self._send(200, {"total_count": 1, "workflow_runs": [{
                    "id": 9210034118, "name": "ci", "head_sha": "9f2c1ab",
                    "display_title": "CHG-4821 checkout v2", "status": "completed",
                    "conclusion": "success", "run_number": 1287}]})
            if url.path == UNLEASH_PATH:
                return self._send(200, {"name": "checkout-v2", "enabled": True, "environments": [{
                    "name": "production", "enabled": True, "strategies": [{
                        "name": "flexibleRollout",
                        "parameters": {"rollout": str(v.rollout), "stickiness": "default"}}]}]})
            if url.path == "/hooks/rollback/check":
                return self._send(200, {"ok": True})
            self._send(404, {"error": "not found"})

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode()
            if self.path.startswith("/api/v1/query"):
                return self._query(urllib.parse.parse_qs(body))
            self._send(200, {"ok": True})

    return Handler


class QuietServer:
    def __init__(self):
        self.values = Values()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(self.values))
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def config(demo_toml, url, bake="10m", interval=None):
    """The demo's config pointed at `url`, with longer bakes so a countdown keeps running,
    and optionally every source polled at `interval` (e.g. "60s" for the idle floor)."""
    text = demo_toml.replace("{{demo_url}}", url)
    text = text.replace('bake = "30s"', f'bake = "{bake}"')
    if interval:
        text = re.sub(r'interval = "\d+s"', f'interval = "{interval}"', text)
    return text


def watch_command(url):
    """What people do today: a terminal running `watch -n1` over curl | jq against the same
    sources, one line per value."""
    q = lambda query: urllib.parse.quote(query, safe="")
    err = q('sum(rate(http_requests_total{track="canary",code=~"5.."}[1m])) / sum(rate(http_requests_total{track="canary"}[1m]))')
    p95 = q('histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{track="canary"}[1m])))')
    prom = f"{url}/api/v1/query?query="
    value = "jq -r '.data.result[0].value[1]'"
    return (
        f"echo error rate: $(curl -s '{prom}{err}' | {value}); "
        f"echo p95: $(curl -s '{prom}{p95}' | {value}); "
        f"echo CI: $(curl -s '{url}{GITHUB_PATH}?head_sha=9f2c1ab' | jq -r '.workflow_runs[0].conclusion'); "
        f"echo rollout: $(curl -s '{url}{UNLEASH_PATH}' | jq -r '.environments[0].strategies[0].parameters.rollout')"
    )

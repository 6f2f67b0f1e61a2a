"""The worker's small HTTP port: ``/healthz`` for the kubelet's probes and ``/metrics`` for Prometheus.

A worker has no web app, and its jobs record the Commerce latency and retry metrics, so it serves them itself
(on ``MLC_WORKER_METRICS_PORT``) from a standard-library server thread. ``/healthz`` reports the job runtime's own
judgement (its maintenance loop's heartbeat and its worker threads): 200 when alive, 503 when wedged.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from mlconnector.platform.observability.exposition import CONTENT_TYPE, render_instruments

Health = Callable[[], tuple[bool, dict[str, object]]]


def _handler(health: Health) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            if path == "/healthz":
                alive, detail = health()
                body = json.dumps({"status": "ok" if alive else "stalled", **detail}).encode()
                self._send(200 if alive else 503, "application/json", body)
            elif path == "/metrics":
                self._send(200, CONTENT_TYPE, render_instruments())
            else:
                self._send(404, "application/json", b'{"error": "Not Found", "status": 404}')

        def _send(self, status: int, content_type: str, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:  # probes every few seconds are not news
            return

    return Handler


class WorkerEndpoint:
    """Serves ``/healthz`` and ``/metrics`` on ``host:port`` from a daemon thread until :meth:`stop`."""

    def __init__(self, host: str, port: int, health: Health) -> None:
        self.server = ThreadingHTTPServer((host, port), _handler(health))
        self.server.daemon_threads = True
        self._thread = threading.Thread(target=self.server.serve_forever, name="mlc-worker-endpoint", daemon=True)

    @property
    def port(self) -> int:
        return self.server.server_address[1]

    def start(self) -> WorkerEndpoint:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(timeout=5)

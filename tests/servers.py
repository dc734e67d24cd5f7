"""A real HTTP server on 127.0.0.1 for the feed and web tests."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass(frozen=True)
class Reply:
    """One answer: status, body and headers, optionally after a pause."""

    body: bytes = b""
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering
    length: bool = True  # send Content-Length (else the body ends when the connection closes)
    trickle: float = 0.0  # send the whole answer (status line and headers too) one byte every this many seconds

    @property
    def etag(self) -> str | None:
        return self.headers.get("ETag")


class Site:
    """Routes paths to replies; a list of replies is served in turn, its last one for ever after."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self._routes: dict[str, list[Reply]] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.trickled = 0  # bytes sent by trickling replies before the client hung up
        self._lock = threading.Lock()
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                site._answer(self)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer((host, 0), Handler)
        self.server.daemon_threads = True
        self._thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()

    def url(self, path: str) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}{path}"

    def serve(self, path: str, body: str | bytes, *, encoding: str = "utf-8", **options: object) -> str:
        """Serve one reply at `path` from now on; return its URL."""
        data = body.encode(encoding) if isinstance(body, str) else body
        return self.sequence(path, [Reply(body=data, **options)])  # type: ignore[arg-type]

    def sequence(self, path: str, replies: list[Reply]) -> str:
        with self._lock:
            self._routes[path] = list(replies)
        return self.url(path)

    def hits(self, path: str) -> list[dict[str, str]]:
        """Return the headers of every request made for `path`."""
        return [headers for p, headers in self.requests if p == path]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _answer(self, handler: BaseHTTPRequestHandler) -> None:
        path = handler.path.split("?", 1)[0]
        headers = {k.lower(): v for k, v in handler.headers.items()}
        with self._lock:
            self.requests.append((path, headers))
            replies = self._routes.get(path)
            reply = (replies.pop(0) if len(replies) > 1 else replies[0]) if replies else Reply(b"not here", 404)
        if reply.delay:
            time.sleep(reply.delay)
        if reply.trickle:
            self._trickle(handler, reply)
            return
        try:
            if reply.etag and headers.get("if-none-match") == reply.etag:
                handler.send_response(304)
                handler.send_header("ETag", reply.etag)
                handler.end_headers()
                return
            handler.send_response(reply.status)
            handler.send_header("Content-Type", reply.content_type)
            for name, value in reply.headers.items():
                handler.send_header(name, value)
            if reply.length:
                handler.send_header("Content-Length", str(len(reply.body)))
            handler.end_headers()
            handler.wfile.write(reply.body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up waiting (a timeout test)

    def _trickle(self, handler: BaseHTTPRequestHandler, reply: Reply) -> None:
        head = (f"HTTP/1.1 {reply.status} OK\r\nContent-Type: {reply.content_type}\r\n"
                f"Content-Length: {len(reply.body)}\r\n\r\n").encode()
        try:
            for byte in head + reply.body:
                handler.wfile.write(bytes([byte]))
                handler.wfile.flush()
                with self._lock:
                    self.trickled += 1
                time.sleep(reply.trickle)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up: what the test is about

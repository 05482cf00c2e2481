"""A raw HTTP server on loopback for tests that need to misbehave on purpose.

pytest-httpserver (werkzeug) covers well-formed answers; this one hands the test a
socket so it can stall mid-body, drip one byte per second, send a decompression
bomb, 50 MB, or count concurrent requests. Handlers run in daemon threads and stop
on their own when the client hangs up, so a test never waits for them.
"""

from __future__ import annotations

import socket
import socketserver
import threading
import time
from dataclasses import dataclass, field
from typing import Callable, Iterable


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]
    at: float = field(default_factory=time.monotonic)


Handler = Callable[[Request, socket.socket], None]


def send_response(
    sock: socket.socket,
    status: int = 200,
    headers: dict[str, str] | None = None,
    body: bytes = b"",
    *,
    content_length: bool = True,
) -> None:
    """Write a whole response; `content_length=False` ends the body by closing."""
    reason = {200: "OK", 301: "Moved", 302: "Found", 304: "Not Modified", 404: "Not Found"}.get(status, "X")
    lines = [f"HTTP/1.1 {status} {reason}"]
    hdrs = dict(headers or {})
    if content_length:
        hdrs.setdefault("Content-Length", str(len(body)))
    hdrs.setdefault("Connection", "close")
    lines += [f"{k}: {v}" for k, v in hdrs.items()]
    sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)


def send_chunks(sock: socket.socket, status: int, headers: dict[str, str], chunks: Iterable[bytes],
                pause: float = 0.0) -> int:
    """Headers, then `chunks` one by one (no Content-Length; closed at the end).

    Returns how many body bytes were sent before the client hung up.
    """
    sent = 0
    try:
        send_response(sock, status, headers, content_length=False)
        for chunk in chunks:
            sock.sendall(chunk)
            sent += len(chunk)
            if pause:
                time.sleep(pause)
    except OSError:
        pass
    return sent


class _TCPHandler(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        server: RawServer = self.server.owner  # type: ignore[attr-defined]
        sock: socket.socket = self.request
        sock.settimeout(10)
        data = b""
        while b"\r\n\r\n" not in data:
            piece = sock.recv(65536)
            if not piece:
                return
            data += piece
        head = data.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
        method, path, _ = head[0].split(" ", 2)
        headers = {}
        for line in head[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        request = Request(method, path, headers)
        server.requests.append(request)
        handler = server.routes.get(path.split("?")[0])
        try:
            if handler is None:
                send_response(sock, 404, {}, b"not found")
            else:
                handler(request, sock)
        except OSError:
            pass


class _ThreadingServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True


@dataclass
class RawServer:
    """`with RawServer() as srv: srv.route('/x', handler); srv.url('/x')`."""

    routes: dict[str, Handler] = field(default_factory=dict)
    requests: list[Request] = field(default_factory=list)

    def __enter__(self) -> "RawServer":
        self._server = _ThreadingServer(("127.0.0.1", 0), _TCPHandler)
        self._server.owner = self  # type: ignore[attr-defined]
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def route(self, path: str, handler: Handler) -> None:
        self.routes[path] = handler

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def hits(self, path: str) -> int:
        return sum(1 for r in self.requests if r.path.split("?")[0] == path)


def closed_port() -> int:
    """A loopback port nobody listens on (bound then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- handlers and servers the fetcher tests share ----------------------------------


def page(body: bytes = b"<p>ok</p>", headers: dict | None = None):
    return lambda req, sock: send_response(sock, 200, {"Content-Type": "text/html", **(headers or {})}, body)


def robots(text: str):
    return lambda req, sock: send_response(sock, 200, {"Content-Type": "text/plain"}, text.encode())


def localhost(url: str) -> str:
    return url.replace("127.0.0.1", "localhost")


class Timed(RawServer):
    """A RawServer that counts requests in flight (for concurrency limits)."""

    def __enter__(self):
        super().__enter__()
        self.cond = threading.Condition()
        self.in_flight = 0
        self.max_in_flight = 0
        self.answered = 0
        return self

    def held(self, cap: int, total: int, linger: float = 0.1, patience: float = 30.0):
        """A handler that answers only once `cap` requests are in flight (or all that are
        left of `total`), then lingers a moment in which a client over its cap would add
        one more. A client that keeps its cap shows exactly `cap` at once, however slow
        the machine: no answer races the next request."""
        def handler(req, sock):
            with self.cond:
                self.in_flight += 1
                self.max_in_flight = max(self.max_in_flight, self.in_flight)
                self.cond.notify_all()
                self.cond.wait_for(lambda: self.in_flight >= min(cap, total - self.answered), timeout=patience)
            time.sleep(linger)  # only lets a misbehaving client show itself; never needed to pass
            with self.cond:
                self.in_flight -= 1
                self.answered += 1
                self.cond.notify_all()
            send_response(sock, 200, {}, b"held")
        return handler


def stamped(handler, log: list):
    def wrapped(req, sock):
        log.append((req.path, time.monotonic()))
        handler(req, sock)
    return wrapped

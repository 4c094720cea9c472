"""HTTPS listeners: one per device, loopback only, HTTP/1.1 keep-alive, a thread per
connection. Parsing and writing only; every answer comes from `SimApp`.

A device that is down (see `faults`) takes no new connection: its listener stops accepting
and fills its own accept queue, so the kernel drops further connection attempts and a client's
connect times out, as with a device that is off. A request on a connection opened before gets
no answer: it is held until the device is back (then answered), the listener stops, or the
device's `blackhole_s` has passed (then the connection is reset).
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import ssl
import struct
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from .rest.app import SimApp
from .rest.base import Request, Response
from .tls import ServerCert

IDLE_SECONDS = 60
DOWN_POLL_SECONDS = 0.05


class LoopbackOnly(ValueError):
    """The simulator serves on loopback addresses only (127.0.0.0/8, ::1)."""


def check_loopback(host: str) -> None:
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        raise LoopbackOnly(
            f"{host!r} is not an IP address; the simulator binds loopback addresses only"
        ) from None
    if not address.is_loopback:
        raise LoopbackOnly(
            f"refusing to bind {host}: the simulator serves on loopback "
            "addresses only (127.0.0.0/8 or ::1)"
        )


class DeviceHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "f5ecmp-sim"
    timeout = IDLE_SECONDS
    server: DeviceListener

    def setup(self) -> None:
        super().setup()
        with contextlib.suppress(OSError):
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def handle_one_request(self) -> None:
        try:
            super().handle_one_request()
        except (ssl.SSLError, ConnectionError, TimeoutError):
            self.close_connection = True

    def _serve(self) -> None:
        body = self._read_body()
        headers = {k.lower(): v for k, v in self.headers.items()}
        request = Request(self.command, self.path, headers, body, self.client_address[0])
        response = self.server.app.handle(self.server.device, request)
        if response.drop and response.hang and self.server.hold_while_down():
            response = self.server.app.handle(self.server.device, request)
        if response.drop:
            self._reset()
            return
        self._write(response)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _serve

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks: list[bytes] = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _write(self, response: Response) -> None:
        body = b"" if self.command == "HEAD" else response.body
        head = [
            f"HTTP/1.1 {response.status} {response.reason}",
            f"Content-Type: {response.content_type}",
            f"Content-Length: {len(response.body)}",
            *(f"{k}: {v}" for k, v in response.headers),
        ]
        if self.headers.get("Connection", "").lower() == "close":
            head.append("Connection: close")
            self.close_connection = True
        self.wfile.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body)

    def _reset(self) -> None:
        """Drop the connection with a TCP reset, as a crashing or unreachable device does."""
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()

    def log_message(self, format: str, *args: Any) -> None:
        """Requests are logged by the app (`/_sim/requests`), not on stderr."""


class DeviceListener(ThreadingHTTPServer):
    """The HTTPS listener of one simulated device."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, host: str, port: int, app: SimApp, device: str, cert: ServerCert) -> None:
        check_loopback(host)
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.app = app
        self.device = device
        self._connections: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._queue_fillers: list[socket.socket] | None = None
        super().__init__((host, port), DeviceHandler)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert.cert_file, cert.key_file)
        self.socket = context.wrap_socket(
            self.socket, server_side=True, do_handshake_on_connect=False
        )

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        with self._lock:
            self._connections.add(request)
        try:
            request.settimeout(IDLE_SECONDS)
            request.do_handshake()
            super().process_request_thread(request, client_address)
        except (ssl.SSLError, OSError):
            self.shutdown_request(request)
        finally:
            with self._lock:
                self._connections.discard(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Broken client connections are the client's business; stay quiet."""

    # --- a device that is down --------------------------------------------------------------
    def device_up(self) -> bool:
        return self.app.cluster.device(self.device).up

    def hold_while_down(self) -> bool:
        """Hold a request without answering; True if the device came back meanwhile."""
        limit = self.app.faults.plans[self.device].blackhole_s
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline and not self._stopping.is_set():
            if self.device_up():
                return True
            self._stopping.wait(DOWN_POLL_SECONDS)
        return False

    def service_actions(self) -> None:
        """Between polls of the listening socket: fill the accept queue while the device is
        down, empty it once the device is back."""
        if not self.device_up():
            self._fill_accept_queue()
        elif self._queue_fillers is not None:
            for filler in self._queue_fillers:
                filler.close()
            self._queue_fillers = None

    def _fill_accept_queue(self) -> None:
        if self._queue_fillers is not None:
            return
        fillers: list[socket.socket] = []
        while len(fillers) <= self.request_queue_size + 1:
            filler = socket.socket(self.address_family, socket.SOCK_STREAM)
            filler.settimeout(DOWN_POLL_SECONDS)
            try:
                filler.connect(self.server_address[:2])
            except OSError:  # the queue is full: the kernel dropped this attempt
                filler.close()
                break
            fillers.append(filler)
        self._queue_fillers = fillers

    def get_request(self) -> tuple[Any, Any]:
        if not self.device_up():
            time.sleep(DOWN_POLL_SECONDS)
            raise OSError("device down: nothing is accepted")  # the queue stays full
        return super().get_request()

    def server_close(self) -> None:
        self._stopping.set()
        for filler in self._queue_fillers or []:
            filler.close()
        self._queue_fillers = None
        super().server_close()

    def close_connections(self) -> None:
        self._stopping.set()
        with self._lock:
            live = list(self._connections)
        for conn in live:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)

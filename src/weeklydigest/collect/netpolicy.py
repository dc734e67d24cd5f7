"""Network policy for sources: http(s) only, an address policy checked on every connection, a deadline.

The policy sits under the HTTP client, in the connection layer: every connection (the first
request's, each redirect's) resolves its host and connects only to addresses the policy allows,
so a redirect or a DNS name cannot lead to loopback or private addresses unless the source (or
`http.allow_private`) allows them. Every socket operation waits at most until the request's
deadline, so a server trickling a byte at a time cannot hold a request longer than that.
The retry loop (`fetch.py`) knows none of this: it only sees errors.
"""

from __future__ import annotations

import contextvars
import ipaddress
import socket
import ssl
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import httpcore
import httpx

_deadline: contextvars.ContextVar[float | None] = contextvars.ContextVar("deadline", default=None)
SCHEMES = ("http", "https")
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class Refused(Exception):
    """The policy refuses a URL or an address; the message is the one-line reason."""


class DeadlineExceeded(Exception):
    """A request ran past its deadline."""


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Let every socket operation inside the block wait at most until `seconds` from now."""
    token = _deadline.set(time.monotonic() + seconds)
    try:
        yield
    finally:
        _deadline.reset(token)


def past_deadline() -> bool:
    """Return whether the running request's deadline has passed."""
    end = _deadline.get()
    return end is not None and time.monotonic() >= end


def _wait(timeout: float | None) -> float | None:
    """Return how long one socket operation may wait: its own timeout, never past the deadline."""
    end = _deadline.get()
    if end is None:
        return timeout
    left = end - time.monotonic()
    if left <= 0:
        raise DeadlineExceeded
    return left if timeout is None else min(timeout, left)


def allowed(address: IPAddress, *, allow_private: bool) -> bool:
    """Return whether the policy lets a connection reach `address`."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if address.is_multicast or address.is_unspecified:
        return False
    return address.is_global or allow_private


def check_request(request: httpx.Request) -> None:
    """Refuse a request (the first or a redirect) for anything but an http(s) URL."""
    if request.url.scheme not in SCHEMES:
        raise Refused(f"refused: only http and https URLs are fetched, not '{request.url.scheme}:'")


class _Stream(httpcore.NetworkStream):
    """A connection whose reads and writes never wait past the request's deadline."""

    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, timeout=_wait(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, timeout=_wait(timeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(self, ssl_context: ssl.SSLContext, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore.NetworkStream:
        return _Stream(self._inner.start_tls(ssl_context, server_hostname=server_hostname, timeout=_wait(timeout)))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _Backend(httpcore.NetworkBackend):
    """Connections only to the addresses the policy allows, each within the deadline."""

    def __init__(self, *, allow_private: bool) -> None:
        self._allow_private = allow_private
        self._inner = httpcore.SyncBackend()

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                    socket_options: Iterable[Any] | None = None) -> httpcore.NetworkStream:
        addresses = _resolve(host, port)
        usable = [a for a in addresses if allowed(a, allow_private=self._allow_private)]
        if not usable:
            raise Refused(f"refused: {host} is a loopback or private address ({addresses[0]}); "
                          "set allow_private on the source (or http.allow_private) to fetch it")
        failure: Exception | None = None
        for address in usable:
            try:
                stream = self._inner.connect_tcp(str(address), port, timeout=_wait(timeout),
                                                 local_address=local_address, socket_options=socket_options)
            except httpcore.ConnectError as exc:
                failure = exc
                continue
            return _Stream(stream)
        raise failure or httpcore.ConnectError(f"cannot connect to {host}")

    def connect_unix_socket(self, path: str, timeout: float | None = None,
                            socket_options: Iterable[Any] | None = None) -> httpcore.NetworkStream:
        raise Refused("refused: sources are not fetched over local sockets")

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


def _resolve(host: str, port: int) -> list[IPAddress]:
    """Return the addresses of `host` (itself when it is an address)."""
    try:
        return [ipaddress.ip_address(host.strip("[]"))]
    except ValueError:
        pass
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise httpcore.ConnectError(f"cannot resolve {host}: {getattr(exc, 'strerror', None) or exc}") from None
    addresses = list(dict.fromkeys(ipaddress.ip_address(info[4][0].split("%")[0]) for info in found))
    if not addresses:
        raise httpcore.ConnectError(f"cannot resolve {host}")
    return addresses


class PolicyTransport(httpx.HTTPTransport):
    """httpx's own transport (its error mapping, HTTP/1.1) over connections the policy checks."""

    def __init__(self, *, allow_private: bool) -> None:
        super().__init__(trust_env=False)
        # A proxy would connect for us, past the policy: sources are fetched directly.
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(),
            network_backend=_Backend(allow_private=allow_private),
        )

"""HTTP for feeds and pages: timeouts, bounded retries with backoff (tenacity), conditional GET and a size cap.

What may be fetched at all (http(s) only, the address policy, the deadline) is `netpolicy`'s.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx
from tenacity import RetryCallState, Retrying, retry_if_exception_type, stop_after_attempt

from .. import __version__
from ..config import HttpSettings
from .netpolicy import DeadlineExceeded, PolicyTransport, Refused, check_request, deadline, past_deadline

logger = logging.getLogger(__name__)

USER_AGENT = f"weeklydigest/{__version__}"
MAX_REDIRECTS = 5
RETRY_AFTER_LIMIT = 30.0  # seconds: a server asking for a longer pause is not waited for
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.I)


class FetchError(Exception):
    """A URL could not be fetched; the message is the one-line reason."""


@dataclass(frozen=True)
class Response:
    url: str  # after redirects
    status: int  # 200-299, or 304 for a conditional GET the server answered with "not modified"
    content: bytes
    content_type: str = ""
    etag: str | None = None
    last_modified: str | None = None

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def charset(self) -> str | None:
        """Return the charset the Content-Type header declares, if any."""
        match = _CHARSET.search(self.content_type)
        return match.group(1) if match else None


class _Retry(Exception):
    """A failure worth another try (5xx, timeout, dropped connection)."""

    def __init__(self, reason: str, *, wait: float = 0.0) -> None:
        super().__init__(reason)
        self.wait = wait


class Fetcher:
    """One HTTP client for a collection run; use as a context manager."""

    def __init__(self, settings: HttpSettings, *, sleep: Callable[[float], None] = time.sleep) -> None:
        self.settings = settings
        self._sleep = sleep
        self._clients: dict[bool, httpx.Client] = {}

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        for client in self._clients.values():
            client.close()

    def _client(self, *, allow_private: bool) -> httpx.Client:
        """Return the client of one address policy (connections are never shared across policies)."""
        private = allow_private or self.settings.allow_private
        if private not in self._clients:
            self._clients[private] = httpx.Client(
                transport=PolicyTransport(allow_private=private),
                timeout=httpx.Timeout(self.settings.timeout, connect=self.settings.connect_timeout),
                follow_redirects=True,
                max_redirects=MAX_REDIRECTS,
                headers={"User-Agent": USER_AGENT},
                event_hooks={"request": [check_request]},
            )
        return self._clients[private]

    def get(self, url: str, *, etag: str | None = None, last_modified: str | None = None,
            allow_private: bool = False) -> Response:
        """Return the response to a GET of `url`; raise FetchError with the reason it failed.

        Every try, redirect and pause between tries counts towards one deadline (`http.deadline`).
        """
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        client = self._client(allow_private=allow_private)
        with deadline(self.settings.deadline):
            return self._with_retries(url, lambda: self._once(client, url, headers))

    def _with_retries(self, url: str, once: Callable[[], Response]) -> Response:
        tries = self.settings.retries + 1
        retrying = Retrying(
            stop=stop_after_attempt(tries), wait=self._wait, retry=retry_if_exception_type(_Retry),
            sleep=self._sleep, reraise=True,
            before_sleep=lambda state: logger.info("%s: %s; trying again in %.2fs", url, _failure(state),
                                                   state.upcoming_sleep),
        )
        try:
            return retrying(once)
        except _Retry as retry:
            raise FetchError(f"{retry} (after {tries} {'try' if tries == 1 else 'tries'})") from None

    def _wait(self, state: RetryCallState) -> float:
        """Back off exponentially, or as long as the server's Retry-After asks if that is longer."""
        return max(self.settings.backoff * 2 ** (state.attempt_number - 1), getattr(_failure(state), "wait", 0.0))

    def _once(self, client: httpx.Client, url: str, headers: dict[str, str]) -> Response:
        try:
            with client.stream("GET", url, headers=headers) as response:
                status = response.status_code
                if status >= 500 or status == 429:
                    raise _Retry(f"HTTP {status} {response.reason_phrase}".rstrip(),
                                 wait=_retry_after(response.headers.get("Retry-After")))
                if status >= 400:
                    raise FetchError(f"HTTP {status} {response.reason_phrase}".rstrip())
                content = b"" if status == 304 else self._read_capped(response)
                return Response(
                    url=str(response.url), status=status, content=content,
                    content_type=response.headers.get("Content-Type", ""),
                    etag=response.headers.get("ETag"), last_modified=response.headers.get("Last-Modified"),
                )
        except Refused as exc:
            raise FetchError(str(exc)) from None
        except DeadlineExceeded:
            raise FetchError(self._overdue()) from None
        except httpx.TimeoutException:
            if past_deadline():
                raise FetchError(self._overdue()) from None
            raise _Retry(f"timed out (no answer within {self.settings.timeout:g}s)") from None
        except httpx.TooManyRedirects:
            raise FetchError(f"more than {MAX_REDIRECTS} redirects") from None
        except httpx.UnsupportedProtocol as exc:
            raise FetchError(f"refused: {exc}") from None
        except httpx.TransportError as exc:
            raise _Retry(f"connection failed: {exc or type(exc).__name__}") from None
        except (httpx.RequestError, httpx.InvalidURL) as exc:
            raise FetchError(f"request failed: {exc or type(exc).__name__}") from None

    def _overdue(self) -> str:
        return f"gave up: no complete answer within {self.settings.deadline:g}s (http.deadline)"

    def _read_capped(self, response: httpx.Response) -> bytes:
        limit = self.settings.max_bytes
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > limit:
            raise FetchError(f"response too large ({int(declared)} bytes, the limit is {limit})")
        chunks, size = [], 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > limit:
                raise FetchError(f"response too large (more than {limit} bytes)")
            chunks.append(chunk)
        return b"".join(chunks)


def _failure(state: RetryCallState) -> BaseException | None:
    return state.outcome.exception() if state.outcome else None


def _retry_after(value: str | None) -> float:
    """Return the pause a Retry-After header asks for, in seconds (0 if none or unreasonable)."""
    try:
        seconds = float(value or 0)
    except ValueError:
        return 0.0
    return seconds if 0 < seconds <= RETRY_AFTER_LIMIT else 0.0

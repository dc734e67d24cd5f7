"""Unsubscribe: a framework-free function and a tiny WSGI app serving /unsubscribe?token=….

GET shows a confirmation page with a button and changes nothing, because mail scanners and link
previews open links on their own; POST (the button, or a mail client's RFC 8058 one-click
request) unsubscribes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from html import escape
from typing import Any
from urllib.parse import parse_qs

from .. import clock
from ..config import Config
from ..errors import DigestError
from ..model import UNSUBSCRIBED
from ..store import open_store
from .tokens import read_token, secret

logger = logging.getLogger(__name__)

MAX_BODY = 64 * 1024


def check_token(config: Config, token: str) -> str | None:
    """Return the address a valid token names, or None."""
    return read_token(secret(config), token) if token else None


def unsubscribe(config: Config, token: str) -> tuple[bool, str]:
    """Verify the signed token and mark its subscriber unsubscribed; return (ok, a message for the person)."""
    address = check_token(config, token)
    if address is None:
        return False, "退订链接无效或已被改动。Invalid or tampered unsubscribe link."
    with open_store(config) as store:
        subscriber = store.subscriber(address)
        if subscriber is None:
            return False, f"{address} 不在订阅名单中。{address} is not subscribed."
        if subscriber.status == UNSUBSCRIBED:
            return True, f"{address} 已退订。{address} was already unsubscribed."
        store.set_subscriber_status(address, UNSUBSCRIBED, now=clock.now(config.tz))
    logger.info("%s unsubscribed", address)
    return True, f"{address} 已退订，不会再收到周报。{address} is unsubscribed."


StartResponse = Callable[[str, list[tuple[str, str]]], Any]


def make_app(config: Config, *, path: str = "/unsubscribe") -> Callable[[dict[str, Any], StartResponse],
                                                                        Iterable[bytes]]:
    """Return a WSGI application that serves GET and POST `path`?token=…."""

    def app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO", "") != path:
            return _page(start_response, "404 Not Found", "Not found", "没有这个页面。Not found.")
        method = environ.get("REQUEST_METHOD", "GET")
        token = _query_token(environ.get("QUERY_STRING", ""))
        try:
            if method == "POST":
                token = token or _form_token(environ)
                ok, message = unsubscribe(config, token)
                return _page(start_response, "200 OK" if ok else "400 Bad Request", "退订 Unsubscribe", message)
            if method == "GET":
                address = check_token(config, token)
                if address is None:
                    return _page(start_response, "400 Bad Request", "退订 Unsubscribe",
                                 "退订链接无效或已被改动。Invalid or tampered unsubscribe link.")
                form = (f'<form method="post" action="{escape(path)}"><input type="hidden" name="token" '
                        f'value="{escape(token)}"><button type="submit">确认退订 Unsubscribe</button></form>')
                return _page(start_response, "200 OK", "退订 Unsubscribe",
                             f"退订 {address} 的周报？Unsubscribe {address}?", form=form)
        except DigestError as exc:
            logger.error("unsubscribe: %s", exc)
            return _page(start_response, "500 Internal Server Error", "Error",
                         "暂时无法退订，请稍后再试。Please try later.")
        return _page(start_response, "405 Method Not Allowed", "Method not allowed", "Method not allowed.",
                     headers=[("Allow", "GET, POST")])

    return app


def _query_token(query: str) -> str:
    return (parse_qs(query).get("token") or [""])[0]


def _form_token(environ: dict[str, Any]) -> str:
    try:
        length = min(int(environ.get("CONTENT_LENGTH") or 0), MAX_BODY)
    except ValueError:
        length = 0
    body = environ["wsgi.input"].read(length) if length > 0 else b""
    return (parse_qs(body.decode("utf-8", "replace")).get("token") or [""])[0]


def _page(start_response: StartResponse, status: str, title: str, message: str, *, form: str = "",
          headers: list[tuple[str, str]] | None = None) -> list[bytes]:
    body = (f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{escape(title)}</title></head>'
            f"<body><h1>{escape(title)}</h1><p>{escape(message)}</p>{form}</body></html>").encode()
    start_response(status, [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(body))),
                            ("Cache-Control", "no-store"), *(headers or [])])
    return [body]


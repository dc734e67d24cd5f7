"""PDF rendering with WeasyPrint: fonts embedded and subset, nothing fetched from outside."""

from __future__ import annotations

import contextlib
import ctypes.util
import logging
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import unquote, urlparse

from ..config import Config
from ..errors import RenderError
from ..model import Digest
from .html import render_html
from .view import template_folder

logger = logging.getLogger(__name__)

CJK_FAMILIES = ("Noto Serif CJK SC", "Noto Sans CJK SC")
FONT_FOLDERS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), Path.home() / ".local/share/fonts",
                Path.home() / ".fonts")
FONT_SUFFIXES = {".otf", ".ttf", ".ttc", ".otc", ".woff", ".woff2"}


@lru_cache(maxsize=1)
def missing_cjk_fonts() -> tuple[str, ...]:
    """Return the CJK SC font families fontconfig cannot find."""
    missing = []
    for family in CJK_FAMILIES:
        try:
            listed = subprocess.run(["fc-list", f"{family}:lang=zh-cn", "family"], capture_output=True,
                                    text=True, timeout=30, check=False).stdout
        except (OSError, subprocess.SubprocessError):
            return CJK_FAMILIES
        if family not in listed:
            missing.append(family)
    return tuple(missing)


class FetchRefused(ValueError):
    """The PDF renderer asked for a resource it may not read."""


def local_fetcher(allowed: list[Path]) -> Any:
    """Return a URL fetcher that reads files under `allowed` folders (and font files) and refuses the rest."""
    from weasyprint.urls import URLFetcher

    roots = [p.resolve() for p in allowed]
    font_roots = [p.resolve() for p in FONT_FOLDERS]

    class LocalOnlyFetcher(URLFetcher):
        """Refuses the network and any file outside the templates and the system's font folders."""

        def fetch(self, url: str, headers: dict[str, str] | None = None) -> Any:
            parsed = urlparse(url)
            if parsed.scheme == "file" and parsed.netloc in ("", "localhost"):
                path = Path(unquote(parsed.path)).resolve()
                if any(path.is_relative_to(root) for root in roots) or (
                    path.suffix.lower() in FONT_SUFFIXES and any(path.is_relative_to(r) for r in font_roots)
                ):
                    return super().fetch(url, headers)
            logger.warning("PDF renderer refused to fetch %s", url[:120])
            raise FetchRefused(f"fetching {url[:80]} is not allowed")

    return LocalOnlyFetcher(allowed_protocols={"file"}, allow_redirects=False, timeout=1)


def render_pdf(digest: Digest, config: Config) -> bytes:
    """Return the digest as an A4 PDF."""
    return html_to_pdf(render_html(digest, config, for_print=True), folder=template_folder(config))


def html_to_pdf(html: str, *, folder: Path) -> bytes:
    """Return `html` laid out as a PDF; relative URLs resolve in `folder`, the only place read from."""
    missing = missing_cjk_fonts()
    if missing:
        raise RenderError(f"CJK font missing ({', '.join(missing)}): install Debian's fonts-noto-cjk")
    weasyprint = import_weasyprint()
    document = weasyprint.HTML(string=html, base_url=folder.resolve().as_uri() + "/",
                               url_fetcher=local_fetcher([folder]))
    try:
        return document.write_pdf()
    except OSError as exc:
        raise RenderError(f"PDF could not be written: {exc}") from None


def import_weasyprint() -> ModuleType:
    """Import WeasyPrint, with a fast library lookup while it loads Pango and HarfBuzz."""
    if "weasyprint" in sys.modules:
        return sys.modules["weasyprint"]
    try:
        with _fast_find_library():
            import weasyprint
    except (ImportError, OSError) as exc:
        raise RenderError(f"WeasyPrint cannot load ({exc}): install Pango (Debian's libpango-1.0-0)") from None
    return weasyprint


@contextlib.contextmanager
def _fast_find_library() -> Iterator[None]:
    """Answer ctypes' library lookups from one `ldconfig -p` listing while the block runs.

    WeasyPrint tries several names per library; each miss makes ctypes run ldconfig, gcc and ld
    (about 25 ms each, a quarter of a second in all). One listing, read the way ctypes reads it
    (same pattern, same ABI filter), answers them all.
    """
    listing = _ldconfig_listing() if sys.platform.startswith("linux") else ""
    if not listing:
        yield
        return
    machine = os.uname().machine + ("-64" if sys.maxsize > 2**32 else "-32")
    abi = {"x86_64-64": "libc6,x86-64", "ppc64-64": "libc6,64bit", "sparc64-64": "libc6,64bit",
           "s390x-64": "libc6,64bit", "ia64-64": "libc6,IA-64"}.get(machine, "libc6")

    def find_library(name: str) -> str | None:
        match = re.search(rf"\s+(lib{re.escape(name)}\.[^\s]+)\s+\({abi}", listing)
        return match[1] if match else None

    original = ctypes.util.find_library
    ctypes.util.find_library = find_library
    try:
        yield
    finally:
        ctypes.util.find_library = original


def _ldconfig_listing() -> str:
    for ldconfig in ("/sbin/ldconfig", "/usr/sbin/ldconfig"):
        try:
            return subprocess.run([ldconfig, "-p"], capture_output=True, text=True, timeout=10, check=False,
                                  env={"LC_ALL": "C", "LANG": "C"}).stdout
        except (OSError, subprocess.SubprocessError):
            continue
    return ""

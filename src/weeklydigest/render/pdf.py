"""PDF rendering with WeasyPrint: fonts embedded and subset, nothing fetched from outside."""

from __future__ import annotations

import logging
import subprocess
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlparse

from ..config import Config
from ..errors import RenderError
from ..model import Digest
from .html import render_html
from .view import template_folder

logger = logging.getLogger(__name__)

CJK_FAMILIES = ("Noto Serif CJK SC", "Noto Sans CJK SC")


@lru_cache(maxsize=1)
def missing_cjk_fonts() -> tuple[str, ...]:
    """Return the CJK SC font families fontconfig cannot find."""
    try:
        listed = subprocess.run(["fc-list", ":lang=zh-cn", "family"], capture_output=True,
                                text=True, timeout=30, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return CJK_FAMILIES
    return tuple(f for f in CJK_FAMILIES if f not in listed)


def local_fetcher(allowed: list[Path]) -> object:
    """Return a URL fetcher that reads files under `allowed` folders and refuses everything else."""
    from weasyprint.urls import URLFetcher

    roots = [p.resolve() for p in allowed]

    class LocalOnlyFetcher(URLFetcher):
        def fetch(self, url: str, headers: dict[str, str] | None = None) -> object:
            parsed = urlparse(url)
            if parsed.scheme == "file":
                path = Path(unquote(parsed.path)).resolve()
                if any(path.is_relative_to(root) for root in roots):
                    return super().fetch(url, headers)
            logger.warning("PDF renderer refused to fetch %s", url[:120])
            raise ValueError(f"fetching {url[:80]} is not allowed")

    return LocalOnlyFetcher(allowed_protocols={"file"}, allow_redirects=False)


def render_pdf(digest: Digest, config: Config) -> bytes:
    """Return the digest as an A4 PDF."""
    missing = missing_cjk_fonts()
    if missing:
        raise RenderError(
            f"CJK font missing ({', '.join(missing)}): install Debian's fonts-noto-cjk"
        )
    import weasyprint

    folder = template_folder(config)
    document = weasyprint.HTML(
        string=render_html(digest, config, for_print=True),
        base_url=str(folder) + "/",
        url_fetcher=local_fetcher([folder]),
    )
    return document.write_pdf()

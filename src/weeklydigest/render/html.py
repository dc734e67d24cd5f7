"""HTML rendering with Jinja2; templates are the user's to change, missing variables fail."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import jinja2

from ..config import Config
from ..errors import RenderError
from ..model import Digest
from .view import build_view, template_folder

_MD_SPECIAL = re.compile(r"([\\`*_\[\]])")


def md_escape(text: str) -> str:
    """Escape Markdown's inline markup characters in plain text."""
    return _MD_SPECIAL.sub(r"\\\1", str(text))


def md_inline(fragment: str) -> str:
    """Turn our paragraph markup into the reference column's: <font> terms, <span> highlights."""
    text = md_escape(fragment)
    text = re.sub(r'<span class="term">(.*?)</span>', r'<font color="#ff0000">\1</font>', text)
    return text.replace('<mark class="key">', '<span style="background:#fff88f">').replace("</mark>", "</span>")


@lru_cache(maxsize=4)
def environment(folder: Path, *, autoescape: bool) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(folder)),
        autoescape=autoescape,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["mdinline"] = md_inline
    env.filters["mdescape"] = md_escape
    return env


def render_template(name: str, context: dict[str, object], config: Config, *, autoescape: bool) -> str:
    """Render template `name` from the configured folder; template errors become RenderError."""
    folder = template_folder(config)
    try:
        template = environment(folder, autoescape=autoescape).get_template(name)
        return template.render(**context)
    except jinja2.TemplateNotFound:
        raise RenderError(f"template {name!r} not found in {folder}") from None
    except jinja2.UndefinedError as exc:
        raise RenderError(f"template {name!r}: {exc.message}") from None
    except jinja2.TemplateSyntaxError as exc:
        raise RenderError(f"template {exc.name or name!r} line {exc.lineno}: {exc.message}") from None


def render_html(digest: Digest, config: Config, *, for_print: bool = False) -> str:
    """Return the digest as one self-contained HTML page."""
    context = build_view(digest, config) | {"for_print": for_print}
    return render_template("digest.html.j2", context, config, autoescape=True)

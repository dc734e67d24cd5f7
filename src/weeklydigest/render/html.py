"""HTML rendering with Jinja2; templates are the user's to change, missing variables fail."""

from __future__ import annotations

import html
import json
import re
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote

import jinja2

from ..config import Config
from ..errors import RenderError
from ..model import Digest
from .view import PRINT_NOTES, build_view, template_folder

_MD_SPECIAL = re.compile(r"([\\`*_\[\]])")


def md_escape(text: str) -> str:
    """Escape Markdown's inline markup characters in plain text."""
    return _MD_SPECIAL.sub(r"\\\1", str(text))


def md_text(text: str) -> str:
    """Return plain (untrusted) text for Markdown: HTML-escaped, then Markdown-escaped."""
    return md_escape(html.escape(str(text), quote=False))


def md_url(url: str) -> str:
    """Return a URL safe inside a Markdown link's parentheses."""
    return quote(str(url), safe="/:?#[]@!$&'*+,;=%~-._")


def yaml_str(text: str) -> str:
    """Return `text` as a double-quoted YAML scalar (JSON strings are valid YAML)."""
    return json.dumps(str(text), ensure_ascii=False)


def md_inline(fragment: str) -> str:
    """Turn our paragraph markup into the reference column's: <font> terms, <span> highlights."""
    text = md_escape(fragment)
    text = re.sub(r'<span class="term">(.*?)</span>', r'<font color="#ff0000">\1</font>', text)
    return text.replace('<mark class="key">', '<span style="background:#fff88f">').replace("</mark>", "</span>")


@lru_cache(maxsize=4)
def environment(folder: Path, *, autoescape: bool) -> jinja2.Environment:
    """Return the Jinja2 environment of a template folder; undefined variables raise."""
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
    env.filters["mdtext"] = md_text
    env.filters["mdurl"] = md_url
    env.filters["yamlstr"] = yaml_str
    return env


def render_template(name: str, context: dict[str, object], config: Config, *, autoescape: bool) -> str:
    """Render template `name` from the configured folder; template errors become RenderError."""
    folder = template_folder(config)
    if not folder.is_dir():
        raise RenderError(f"templates folder {folder} not found (config key 'templates')")
    try:
        template = environment(folder, autoescape=autoescape).get_template(name)
        return template.render(**context)
    except jinja2.TemplateNotFound:
        raise RenderError(f"template {name!r} not found in {folder}") from None
    except jinja2.UndefinedError as exc:
        raise RenderError(f"template {name!r}: {exc.message}") from None
    except jinja2.TemplateSyntaxError as exc:
        raise RenderError(f"template {exc.name or name!r} line {exc.lineno}: {exc.message}") from None
    except jinja2.TemplateError as exc:
        raise RenderError(f"template {name!r}: {exc}") from None


def render_html(digest: Digest, config: Config, *, for_print: bool = False) -> str:
    """Return the digest as one self-contained HTML page."""
    # In print an item shows a few source notes and counts the rest; the web page lists them all.
    context = build_view(digest, config, notes_per_item=PRINT_NOTES if for_print else None) | {"for_print": for_print}
    return render_template("digest.html.j2", context, config, autoescape=True)

"""Templates are the user's: the configured folder is used, and a mistake in it fails loudly in one line."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from weeklydigest.config import load_config
from weeklydigest.errors import ConfigError, RenderError
from weeklydigest.render.html import render_html
from weeklydigest.render.markdown import render_markdown

from .conftest import ROOT
from .render_fixtures import saved_digest, with_config


@pytest.fixture
def own_templates(tmp_path) -> Path:
    folder = tmp_path / "my-templates"
    shutil.copytree(ROOT / "templates", folder)
    return folder


def test_the_configured_template_folder_is_used(own_templates, config):
    page = own_templates / "digest.html.j2"
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace('<h2 id="toc-h">目录</h2>', '<h2 id="toc-h">本期目录</h2>'), encoding="utf-8")
    (own_templates / "digest.css").write_text("body { color: #123456; }\n", encoding="utf-8")
    text = render_html(saved_digest(), with_config(config, templates=own_templates))
    assert "本期目录" in text and "body { color: #123456; }" in text
    assert "本期目录" not in render_html(saved_digest(), config)


def test_a_template_variable_that_does_not_exist_fails_loudly(own_templates, config):
    page = own_templates / "digest.md.j2"
    page.write_text(page.read_text(encoding="utf-8") + "{{ editor_in_chief }}\n", encoding="utf-8")
    with pytest.raises(RenderError) as caught:
        render_markdown(saved_digest(), with_config(config, templates=own_templates))
    assert str(caught.value) == "template 'digest.md.j2': 'editor_in_chief' is undefined"


def test_a_missing_attribute_fails_loudly_too(own_templates, config):
    page = own_templates / "digest.html.j2"
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace('class="city">{{ item.city }}</h3>', 'class="city">{{ item.town }}</h3>'),
                    encoding="utf-8")
    with pytest.raises(RenderError, match=r"^template 'digest.html.j2': .*'town'"):
        render_html(saved_digest(), with_config(config, templates=own_templates))


def test_a_template_syntax_error_names_the_line(own_templates, config):
    (own_templates / "digest.md.j2").write_text("---\n{% for x in %}\n", encoding="utf-8")
    with pytest.raises(RenderError, match=r"^template 'digest.md.j2' line 2: "):
        render_markdown(saved_digest(), with_config(config, templates=own_templates))


def test_a_missing_template_folder_or_file_is_named(tmp_path, config):
    with pytest.raises(RenderError, match=r"templates folder .*nowhere not found \(config key 'templates'\)"):
        render_html(saved_digest(), with_config(config, templates=tmp_path / "nowhere"))
    (tmp_path / "half").mkdir()
    with pytest.raises(RenderError, match=r"^template 'digest.html.j2' not found in .*half$"):
        render_html(saved_digest(), with_config(config, templates=tmp_path / "half"))


def test_the_cli_reports_a_template_mistake_in_one_line(own_templates, tmp_path):
    page = own_templates / "digest.html.j2"
    page.write_text("{{ nope }}", encoding="utf-8")
    config_text = (ROOT / "config" / "digest.yaml").read_text(encoding="utf-8")
    config_text = config_text.replace("templates: templates", f"templates: {own_templates}")
    config_text = config_text.replace("path: examples/sample-week", f"path: {ROOT / 'examples' / 'sample-week'}")
    config_text = config_text.replace("store: output/store.sqlite", f"store: {tmp_path / 'store.sqlite'}")
    config_file = tmp_path / "digest.yaml"
    config_file.write_text(config_text, encoding="utf-8")
    result = subprocess.run(
        [str(Path(sys.executable).with_name("weeklydigest")), "build", "--config", str(config_file),
         "--week", "2025-W46", "--out", str(tmp_path / "out"), "--format", "html"],
        capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 1
    assert [line for line in result.stderr.splitlines() if line.startswith("error:")] == [
        "error: template 'digest.html.j2': 'nope' is undefined"]
    assert not (tmp_path / "out" / "2025-W46" / "digest.html").exists()


def test_render_settings_in_the_config_are_checked(tmp_path):
    base = (ROOT / "config" / "digest.yaml").read_text(encoding="utf-8")
    path = tmp_path / "digest.yaml"
    path.write_text(base + "base_url: ftp://example.org\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert any(p.startswith("Config value 'base_url' (line") and "expected an http(s) URL" in p
               for p in caught.value.problems)
    path.write_text(base.replace("first_issue: 2025-W46", "first_issue: 46"), encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert caught.value.problems == [
        "Config value 'first_issue' (line 9): expected an ISO week like '2025-W01', got int 46"]
    path.write_text(base + "base_url: https://example.org/digest\n", encoding="utf-8")
    assert load_config(path).base_url == "https://example.org/digest/"

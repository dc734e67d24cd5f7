"""A folder of hostile inputs, generated on the spot (nothing binary is stored in the repository).

Every `Kind` writes one entry into a folder source; `expect` is a part of the reason it must be
skipped with, or None when it must be read harmlessly (stored or skipped, never a crash, never a
byte from outside the folder). `write_corpus` writes them all beside good articles; the tests and
`bench/hostile.py` use it.
"""

from __future__ import annotations

import json
import os
import socket
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .content import REPORTS, Report

SECRET = "城外机密OUTSIDE-7f3a"  # written only outside the folder: it must never be read
ENV_MARKER = "WEEKLYDIGEST_HOSTILE_MARKER"  # set in the environment of a run: /proc/self/environ holds it
ENV_SECRET = "环境机密ENVIRON-51c9"
LEAD = "11月12日，惠州市委书记陈思远到惠阳区调研县域经济发展，察看产业园区和典型镇建设情况。"
BODY = "陈思远强调，要坚持制造业当家，推动县域经济高质量发展。"


@dataclass(frozen=True)
class Kind:
    """One kind of hostile entry: its name, how to write it into `folder`, and the reason expected."""

    name: str
    make: Callable[[Path, Path], None]  # (folder, outside)
    expect: str | None  # a part of the skip reason; None: read harmlessly


def _article(title: str = "惠州调研县域经济", *, date: str = "2025-11-12T18:00:00+08:00") -> str:
    return f"---\ntitle: {title}\ndate: {date}\n---\n\n{LEAD}\n\n{BODY}\n"


def _write(name: str, data: str | bytes) -> Callable[[Path, Path], None]:
    def make(folder: Path, outside: Path) -> None:
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return make


def _link(name: str, target: str | Callable[[Path, Path], str]) -> Callable[[Path, Path], None]:
    def make(folder: Path, outside: Path) -> None:
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.symlink_to(target(folder, outside) if callable(target) else target)
    return make


def _outside_file(folder: Path, outside: Path) -> str:
    (outside / "secret.md").write_text(_article(f"泄露{SECRET}") + SECRET + "\n", encoding="utf-8")
    return str(outside / "secret.md")


def _outside_dir(folder: Path, outside: Path) -> str:
    (outside / "more").mkdir(exist_ok=True)
    (outside / "more" / "leak.md").write_text(_article(f"目录{SECRET}") + SECRET + "\n", encoding="utf-8")
    return str(outside / "more")


def _relative_escape(folder: Path, outside: Path) -> str:
    _outside_file(folder, outside)
    return os.path.relpath(outside / "secret.md", folder)


def _fifo(name: str) -> Callable[[Path, Path], None]:
    def make(folder: Path, outside: Path) -> None:
        os.mkfifo(folder / name)
    return make


def _socket(name: str) -> Callable[[Path, Path], None]:
    def make(folder: Path, outside: Path) -> None:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as server:
            server.bind(str(folder / name))  # the socket file stays after the socket is closed
    return make


def _device(name: str) -> Callable[[Path, Path], None]:
    def make(folder: Path, outside: Path) -> None:
        try:
            os.mknod(folder / name, stat.S_IFCHR | 0o600, os.makedev(1, 5))  # /dev/zero's numbers
        except PermissionError:  # only root makes devices; a FIFO is special in the same way
            os.mkfifo(folder / name)
    return make


def _dir_loop(folder: Path, outside: Path) -> None:
    (folder / "loop" / "inner").mkdir(parents=True)
    (folder / "loop" / "inner" / "up").symlink_to("../..")


def _link_loop(folder: Path, outside: Path) -> None:
    (folder / "ping.md").symlink_to("pong.md")
    (folder / "pong.md").symlink_to("ping.md")


def _same_file(folder: Path, outside: Path) -> None:
    (folder / "zz-alias.md").symlink_to("good-00.md")


def _hard_link(folder: Path, outside: Path) -> None:
    os.link(folder / "good-00.md", folder / "zz-hard.md")


def _unreadable_dir(folder: Path, outside: Path) -> None:
    locked = folder / "locked"
    locked.mkdir()
    (locked / "inside.md").write_text(_article("锁住的目录里的文章"), encoding="utf-8")
    locked.chmod(0)


def _unreadable_file(folder: Path, outside: Path) -> None:
    path = folder / "no-permission.md"
    path.write_text(_article("不可读的文件"), encoding="utf-8")
    path.chmod(0)


def _deep_dirs(folder: Path, outside: Path) -> None:
    path = folder.joinpath(*(f"d{i}" for i in range(60)))
    path.mkdir(parents=True)
    (path / "deep.md").write_text(_article("深层目录里的文章"), encoding="utf-8")


def _odd_name(name: bytes) -> Callable[[Path, Path], None]:
    def make(folder: Path, outside: Path) -> None:
        with open(os.path.join(os.fsencode(folder), name), "wb") as handle:
            handle.write(_article("文件名古怪的文章").encode())
    return make


def _sparse(name: str, size: int) -> Callable[[Path, Path], None]:
    def make(folder: Path, outside: Path) -> None:
        with open(folder / name, "wb") as handle:
            handle.write("标题\n正文".encode())
            handle.truncate(size)
    return make


def _dir_named_like_a_file(folder: Path, outside: Path) -> None:
    (folder / "folder.md").mkdir()
    (folder / "folder.md" / "inner.md").write_text(_article("目录名像文件"), encoding="utf-8")


def _nested_json(depth: int) -> str:
    return "[" * depth + "]" * depth


def _alias_bomb(levels: int = 9) -> str:
    lines = ['a0: &a0 ["哈哈哈哈哈哈哈哈"]']
    for i in range(1, levels + 1):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    return "---\n" + "\n".join(lines) + f"\ntitle: *a{levels}\n---\n\n{LEAD}\n"


def _merge_bomb(levels: int = 9) -> str:
    lines = ["k0: &k0 {x0: 1, y0: 2}"]
    for i in range(1, levels + 1):
        lines.append(f"k{i}: &k{i} [" + ", ".join([f"*k{i - 1}"] * 9) + "]")
    return "---\n" + "\n".join(lines) + f"\ntitle: 合并\nsource: *k{levels}\n---\n\n{LEAD}\n"


def _jsonl(*lines: str) -> str:
    return "\n".join(lines) + "\n"


def _entry(**fields: object) -> str:
    return json.dumps({"title": "惠州调研县域经济", "content": LEAD + BODY, **fields}, ensure_ascii=False)


_LONG_LINE = (LEAD * 120_000)[:4_000_000]  # about 12 MB in UTF-8: over the byte limit
_BIG_LINE = (LEAD * 30_000)[:1_500_000]  # about 4.5 MB in UTF-8: under it, but one enormous paragraph
_PARAGRAPHS = "\n\n".join([LEAD * 8] * 4_000)  # about 4 MB of ordinary paragraphs


KINDS: tuple[Kind, ...] = (
    # Leaving the folder
    Kind("link to /etc/passwd", _link("passwd.txt", "/etc/passwd"), "leads outside the folder"),
    Kind("link to a file outside", _link("outside.md", _outside_file), "leads outside the folder"),
    Kind("relative link out of the folder", _link("escape.md", _relative_escape), "leads outside the folder"),
    Kind("link to a folder outside", _link("elsewhere", _outside_dir), "leads outside the folder"),
    Kind("link to /dev/zero", _link("zero.txt", "/dev/zero"), "leads outside the folder"),
    Kind("link to /dev/urandom", _link("random.html", "/dev/urandom"), "leads outside the folder"),
    Kind("link to /dev/null", _link("null.md", "/dev/null"), "leads outside the folder"),
    Kind("link to /proc/self/environ", _link("environ.txt", "/proc/self/environ"), "leads outside the folder"),
    Kind("link to /proc/self/fd/0", _link("stdin.md", "/proc/self/fd/0"), "leads outside the folder"),
    Kind("link to the root folder", _link("root", "/"), "leads outside the folder"),
    # Loops, special files, unreadable entries
    Kind("folder link to its own ancestor", _dir_loop, "link loop"),
    Kind("two links pointing at each other", _link_loop, "link loop"),
    Kind("a link to itself", _link("self.md", "self.md"), "link loop"),
    Kind("broken link", _link("dangling.md", "no-such-file.md"), "broken symbolic link"),
    Kind("FIFO named like an article", _fifo("pipe.md"), "not a regular file"),
    Kind("socket named like an article", _socket("socket.txt"), "not a regular file"),
    Kind("device file named like an article", _device("device.txt"), "not a regular file"),
    Kind("link to an article of the folder", _same_file, "same file as"),
    Kind("hard link to an article of the folder", _hard_link, "same file as"),
    Kind("unreadable sub-folder", _unreadable_dir, None),  # root reads it anyway
    Kind("unreadable file", _unreadable_file, None),
    Kind("60 nested folders", _deep_dirs, None),
    Kind("folder named like an article", _dir_named_like_a_file, None),
    Kind("file name with a newline", _odd_name(b"new\nline.md"), None),
    Kind("file name with terminal escapes", _odd_name(b"\x1b[2J\x1b]0;owned\x07.md"), None),
    Kind("file name that is not UTF-8", _odd_name(b"\xff\xfe\xc0.md"), None),
    Kind("hidden file", _write(".hidden.md", _article("隐藏文件")), None),
    # Size
    Kind("12 MB single-line .txt", _write("one-line.txt", "长文\n" + _LONG_LINE), "file too large"),
    Kind("12 MB single-line .md", _write("one-line.md", "# 长文\n\n" + _LONG_LINE), "file too large"),
    Kind("4.5 MB single-line .txt", _write("big-line.txt", "长文\n" + _BIG_LINE), None),
    Kind("4.5 MB single-line .md", _write("big-line.md", "# 长文\n\n" + _BIG_LINE), None),
    Kind("4 MB of paragraphs", _write("paragraphs.md", "# 很多段落\n\n" + _PARAGRAPHS), None),
    Kind("a million one-character lines", _write("lines.txt", "标题\n" + "好\n" * 1_000_000), None),
    Kind("sparse 10 GB file", _sparse("sparse.txt", 10 * 2**30), "file too large"),
    Kind("1 MB title line", _write("title.txt", "题" * 1_000_000 + "\n" + LEAD), None),
    Kind("brackets that never close", _write("brackets.md", "# 括号\n\n" + "[" * 200_000 + "](" * 50_000), None),
    Kind("markdown marks everywhere", _write("marks.md", "# 标记\n\n" + "*_`~" * 250_000), None),
    Kind("quote prefixes nested 100,000 deep", _write("quotes.md", "# 引用\n\n" + "> " * 100_000 + LEAD), None),
    # HTML
    Kind("HTML nested 100,000 deep", _write("deep.html", "<html><head><title>深</title></head><body>"
                                            + "<div>" * 100_000 + LEAD + "</div>" * 100_000 + "</body></html>"),
         None),
    Kind("HTML with 200,000 paragraphs", _write("many-p.html", "<html><head><title>段落</title></head><body>"
                                                + "<p>好。</p>" * 200_000 + "</body></html>"), None),
    Kind("HTML entity bomb", _write("entities.html", '<!DOCTYPE html [<!ENTITY a "哈哈哈哈哈哈哈哈哈哈">'
                                    + "".join(f'<!ENTITY a{i} "' + f"&a{i - 1};" * 10 + '">' for i in range(1, 9))
                                    .replace("&a0;", "&a;")
                                    + "]><html><head><title>实体</title></head><body><p>&a8;</p><p>"
                                    + LEAD + "</p></body></html>"), None),
    Kind("HTML naming local files", _write("local.html", "<html><head><title>本地文件</title></head><body>"
                                           '<img src="file:///etc/passwd"><iframe src="/etc/passwd"></iframe>'
                                           '<link rel="stylesheet" href="file:///etc/shadow"><object data="/etc/hosts">'
                                           f"</object><p>{LEAD}</p><script>alert(1)</script></body></html>"), None),
    Kind("HTML with a 2 MB attribute", _write("attribute.html", '<html><head><title>属性</title></head><body>'
                                              f'<p title="{"x" * 2_000_000}">{LEAD}</p></body></html>'), None),
    Kind("HTML with a NUL byte late", _write("nul.html", "<html><head><title>空字符</title></head><body><p>"
                                             + LEAD * 200 + "\x00" + LEAD + "</p></body></html>"), None),
    Kind("HTML declaring UTF-7", _write("utf7.html", '<html><head><meta charset="utf-7"><title>+ZeVnLA-</title>'
                                        f"</head><body><p>{LEAD}</p></body></html>"), None),
    # YAML front matter
    Kind("front matter date 9999-99-99", _write("date-9999.md", _article(date="9999-99-99")), None),
    Kind("front matter date 2025-13-45", _write("date-month.md", _article(date="2025-13-45")), None),
    Kind("front matter date 0000-00-00", _write("date-zero.md", _article(date="0000-00-00")), None),
    Kind("front matter time 25:61", _write("date-hour.md", _article(date="2025-11-12T25:61:00")), None),
    Kind("front matter date of 30 digits", _write("date-digits.md", _article(date="9" * 30)), None),
    Kind("YAML alias bomb as the title", _write("alias-bomb.md", _alias_bomb()), "front matter has more than"),
    Kind("YAML merge-key bomb", _write("merge-bomb.md", _merge_bomb()), "front matter has more than"),
    Kind("YAML nested 30,000 deep", _write("yaml-deep.md", "---\ntitle: " + "[" * 30_000 + "\n---\n\n" + LEAD),
         "front matter"),
    Kind("YAML python object tag", _write("python-tag.md", '---\ntitle: !!python/object/apply:os.system ["id"]\n'
                                          f"---\n\n{LEAD}\n"), "front matter is not valid YAML"),
    Kind("1 MB front matter", _write("big-front.md", "---\ntitle: 大\nnote: " + "很" * 400_000 + f"\n---\n\n{LEAD}"),
         "front matter too large"),
    Kind("title that is a mapping", _write("title-map.md", f"---\ntitle: {{a: 1, b: [2, 3]}}\n---\n\n{LEAD}\n"),
         None),
    Kind("front matter that is a list", _write("front-list.md", f"---\n- a\n- b\n---\n\n{LEAD}\n"),
         "front matter is not a mapping"),
    # JSON lines
    Kind("JSON line nested 100,000 deep", _write("deep.jsonl", _jsonl(_nested_json(100_000), _entry())), None),
    Kind("JSON number of 100,000 digits", _write("digits.jsonl", _jsonl('{"title": ' + "9" * 100_000 + "}",
                                                                       _entry())), None),
    Kind("JSON lone surrogates", _write("surrogate.jsonl", _jsonl(
        '{"title": "\\ud800惠州\\udfff", "content": "' + LEAD + '\\ud83d"}')), None),
    Kind("JSON NUL and control characters", _write("control.jsonl", _jsonl(_entry(
        title="惠州\u0000\u001b[31m调研", html=f"<p>{LEAD}\u0000</p>"))), None),
    Kind("JSON line of 6 MB", _write("huge-line.jsonl", _jsonl(_entry(content=LEAD * 70_000))), "too large"),
    Kind("JSON 20,000 useless lines", _write("useless.jsonl", _jsonl(*(["{}"] * 20_000))), None),
    Kind("JSON values of every odd type", _write("types.jsonl", _jsonl(
        _entry(published=1e308), _entry(published={"a": [1]}), _entry(content=[1, 2]), _entry(title=[LEAD]),
        '{"title": NaN, "content": Infinity}', "[]", "null", '"惠州"')), None),
    Kind("JSON lines in UTF-16", _write("utf16.jsonl", _jsonl(_entry()).encode("utf-16")), None),
    # Text and bytes
    Kind("text with a 来源 date 9999-99-99", _write("source-date.txt", f"标题\n来源：某报 9999-99-99 99:99\n{LEAD}"),
         None),
    Kind("bidi overrides and zero-width characters", _write("bidi.txt", f"\u202e惠州\u200b\u2066调研\n{LEAD}"), None),
    Kind("a PNG named .md", _write("image.md", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64), "binary"),
    Kind("a gzip named .html", _write("page.html", b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03" + b"\x00" * 64),
         "binary"),
    Kind("random bytes without NUL", _write("noise.txt", bytes((i * 37 + 11) % 255 + 1 for i in range(4096))),
         None),
    Kind("only a byte-order mark", _write("bom.txt", b"\xef\xbb\xbf"), "empty"),
    Kind("carriage returns only", _write("cr.txt", f"标题\r{LEAD}\r{BODY}\r" * 3), None),
)


def write_good(folder: Path, reports: tuple[Report, ...] = REPORTS) -> list[str]:
    """Write good articles (`good-NN.md`) into `folder`; return their titles."""
    folder.mkdir(parents=True, exist_ok=True)
    for n, r in enumerate(reports):
        front = f"---\ntitle: {r.title}\ndate: {r.published.isoformat()}\nsource: 南粤时政网\n---\n\n"
        (folder / f"good-{n:02d}.md").write_text(front + "\n\n".join(r.paragraphs) + "\n", encoding="utf-8")
    return [r.title for r in reports]


def write_corpus(folder: Path, outside: Path, kinds: tuple[Kind, ...] = KINDS) -> list[str]:
    """Write the good articles and every hostile kind into `folder` (`outside` is beside it); return the titles."""
    outside.mkdir(parents=True, exist_ok=True)
    titles = write_good(folder)
    for kind in kinds:
        kind.make(folder, outside)
    return titles


def unlock(folder: Path) -> None:
    """Make the unreadable entries readable again, so that the folder can be removed."""
    for path in (folder / "locked", folder / "no-permission.md"):
        if path.exists() and not path.is_symlink():
            path.chmod(0o755)

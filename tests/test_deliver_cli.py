"""The subscribers and send commands, the delivery config and the store's schema step."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from weeklydigest.cli import main
from weeklydigest.config import load_config
from weeklydigest.errors import ConfigError
from weeklydigest.store import MIGRATIONS, Store

from .conftest import ROOT
from .legacy_stores import legacy_store
from .smtp_server import Inbox, SmtpServer

SECTIONS_YAML = (ROOT / "config" / "digest.yaml").read_text(encoding="utf-8").split("\nsections:", 1)[1]


def _config(tmp_path: Path, delivery: str = "") -> Path:
    path = tmp_path / "digest.yaml"
    path.write_text(f"store: {tmp_path / 'store.sqlite'}\noutput: {tmp_path / 'out'}\n{delivery}"
                    f"sections:{SECTIONS_YAML}", encoding="utf-8")
    return path


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_subscribers_add_list_remove(tmp_path, capsys):
    config = str(_config(tmp_path))
    assert _run(capsys, "subscribers", "add", "Li.Lei@Example.ORG", "--name", "李雷", "--config", config)[1] == \
        "added Li.Lei@example.org (all sections)\n"
    code, out, _ = _run(capsys, "subscribers", "add", "han@example.org", "--sections", "百千万工程，十五运会和残特奥会",
                        "--config", config)
    assert code == 0 and out == "added han@example.org (十五运会和残特奥会、百千万工程)\n"  # display order
    code, out, _ = _run(capsys, "subscribers", "list", "--config", config)
    assert out.splitlines() == ["Li.Lei@example.org\t李雷\tactive\tall",
                                "han@example.org\t\tactive\t十五运会和残特奥会、百千万工程"]
    assert _run(capsys, "subscribers", "remove", "han@example.org", "--config", config)[:2] == \
        (0, "removed han@example.org\n")
    assert _run(capsys, "subscribers", "list", "--config", config)[1] == "Li.Lei@example.org\t李雷\tactive\tall\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["add", "li.lei@example.org"], "error: li.lei@example.org is already a subscriber\n"),
        (["add", "LI.LEI@example.org"], "error: LI.LEI@example.org is already a subscriber\n"),
        (["add", "not-an-address"], "error: invalid address 'not-an-address': An email address must have an @-sign.\n"),
        (["add", "x@example.org", "--sections", "体育"],
         "error: unknown section '体育': expected some of 十五运会和残特奥会, 宣讲党的二十届四中全会精神, "
         "百千万工程\n"),
        (["remove", "nobody@example.org"], "error: nobody@example.org is not a subscriber\n"),
        (["import", "missing.csv"], "error: missing.csv: cannot read: No such file or directory\n"),
    ],
)
def test_bad_subscriber_input_is_one_line(tmp_path, capsys, args, message):
    config = str(_config(tmp_path))
    _run(capsys, "subscribers", "add", "li.lei@example.org", "--config", config)
    code, _, err = _run(capsys, "subscribers", *args, "--config", config)
    assert code == 1
    assert err == message


def test_import_adds_good_rows_and_names_each_bad_one(tmp_path, capsys):
    config = str(_config(tmp_path))
    _run(capsys, "subscribers", "add", "old@example.org", "--config", config)
    csv = tmp_path / "subs.csv"
    csv.write_text("\ufeffemail,name,sections\n"
                   "a@example.org,甲,\n"
                   "b@example.org,乙,百千万工程\n"
                   "bad address,丙,\n"
                   "old@example.org,丁,\n"
                   "c@example.org,戊,没有这个栏目\n", encoding="utf-8")
    code, out, err = _run(capsys, "subscribers", "import", str(csv), "--config", config)
    assert code == 0
    assert out == f"imported 2 subscribers from {csv}, 3 skipped\n"
    assert err.splitlines()[0].startswith(f"skipped: {csv}:4: invalid address 'bad address'")
    assert err.splitlines()[1].startswith(f"skipped: {csv}:6: unknown section '没有这个栏目'")
    assert err.splitlines()[2] == f"skipped: {csv}: old@example.org is already a subscriber"
    with Store(tmp_path / "store.sqlite") as store:
        assert {s.address: s.sections for s in store.subscribers()} == {
            "a@example.org": (), "b@example.org": ("百千万工程",), "old@example.org": ()}


def test_send_refuses_an_unpublished_issue_in_one_line(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("WD_SECRET", "s" * 32)
    config = _config(tmp_path, "delivery:\n  from: digest@example.org\n  secret_env: WD_SECRET\n"
                               "  unsubscribe_url: http://127.0.0.1:9/unsubscribe\n")
    folder = tmp_path / "out" / "2025-W46"
    folder.mkdir(parents=True)
    data = json.loads((ROOT / "tests" / "data" / "sample-digest.json").read_text(encoding="utf-8"))
    (folder / "digest.json").write_text(json.dumps(data | {"status": "approved"}, ensure_ascii=False), "utf-8")
    code, _, err = _run(capsys, "send", "2025-W46", "--config", str(config))
    assert code == 1
    assert err == "error: 2025-W46 is not published (status 'approved'); only published issues are sent\n"
    assert _run(capsys, "send", "2025-46", "--config", str(config))[2] == \
        "error: invalid week '2025-46': expected the form 2025-W46\n"


def test_send_command_mails_a_published_issue_and_summarises(tmp_path, capsys, monkeypatch):
    server = SmtpServer(Inbox()).start()
    try:
        monkeypatch.setenv("WD_SECRET", "s" * 32)
        config = _config(tmp_path, f"delivery:\n  smtp: {{host: 127.0.0.1, port: {server.port}, security: none}}\n"
                                   "  from: 周报 <digest@example.org>\n  secret_env: WD_SECRET\n"
                                   "  unsubscribe_url: http://127.0.0.1:9/unsubscribe\n")
        folder = tmp_path / "out" / "2025-W46"
        folder.mkdir(parents=True)
        data = json.loads((ROOT / "tests" / "data" / "sample-digest.json").read_text(encoding="utf-8"))
        (folder / "digest.json").write_text(json.dumps(data | {"status": "published"}, ensure_ascii=False), "utf-8")
        _run(capsys, "subscribers", "add", "a@example.org", "--sections", "百千万工程", "--config", str(config))
        code, out, err = _run(capsys, "send", "2025-W46", "--config", str(config))
        assert (code, err) == (0, "")
        assert out == ("2025-W46: 1 sent, 0 already sent before, 0 bounced, 0 to retry, of 1 active subscribers; "
                       "1 PDFs rendered for section choices\n")
        assert server.inbox.copies() == {"a@example.org": 1}
    finally:
        server.stop()


def test_delivery_config_is_read_and_the_password_never_comes_from_the_file(tmp_path):
    config = load_config(_config(tmp_path, (
        "delivery:\n"
        "  smtp: {host: smtp.example.org, port: 465, security: ssl, user: digest, password_env: SMTP_PASSWORD}\n"
        "  from: 周报编辑部 <digest@example.org>\n"
        "  rate_per_minute: 30\n"
        "  secret_env: DIGEST_SECRET\n"
        "  send_on_publish: true\n")))
    delivery = config.delivery
    assert delivery is not None
    assert (delivery.smtp.host, delivery.smtp.port, delivery.smtp.security) == ("smtp.example.org", 465, "ssl")
    assert (delivery.smtp.user, delivery.smtp.password_env) == ("digest", "SMTP_PASSWORD")
    assert (delivery.sender, delivery.rate_per_minute, delivery.secret_env, delivery.send_on_publish) == \
        ("周报编辑部 <digest@example.org>", 30.0, "DIGEST_SECRET", True)
    assert load_config(_config(tmp_path)).delivery is None


def test_delivery_config_problems_name_their_key(tmp_path):
    with pytest.raises(ConfigError) as caught:
        load_config(_config(tmp_path, (
            "delivery:\n"
            "  smtp: {host: h, security: tls, user: u, password: hunter2}\n"
            "  from: nobody\n"
            "  rate_per_minute: -1\n"
            "  secret_env: 'not a name'\n")))
    assert caught.value.problems == [
        "Config value 'delivery.smtp.password' (line 4): passwords never go in the file: name an environment "
        "variable in 'password_env'",
        "Config value 'delivery.smtp.security' (line 4): expected one of starttls, ssl, none, got 'tls'",
        "Config value 'delivery.smtp.password_env': required with 'user': the environment variable holding the "
        "password",
        "Config value 'delivery.from' (line 5): expected an address like '周报 <digest@example.org>', got 'nobody'",
        "Config value 'delivery.rate_per_minute' (line 6): expected a number >= 0, got int -1",
        "Config value 'delivery.secret_env' (line 7): expected the name of an environment variable, got 'not a name'",
    ]


def test_a_store_of_the_first_schema_gains_the_delivery_tables_and_keeps_its_articles(tmp_path):
    path = tmp_path / "store.sqlite"
    db = legacy_store(path, version=1)
    db.execute("INSERT INTO articles VALUES ('k', 's', 'x', 'x', NULL, NULL, 1)")
    db.close()
    with Store(path) as store:
        assert store.schema_version == len(MIGRATIONS)
        assert store.has("k")
        assert store.subscribers() == []

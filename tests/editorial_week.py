"""A synthetic week of city reports (2025-W47) for the editorial features: phrases, themes, headline and lede.

Written for these tests in the style of city reports. What the week holds, by design:

- a quoted slogan, “五链融合”, in the provincial report and in five cities (广州 深圳 佛山 东莞 中山);
- a run of three, 强链条、优环境、惠民生, in three cities (汕头 潮州 揭阳);
- a compound, 低空经济产业集群, in three cities (珠海 江门 阳江);
- the same kind of meeting, 市委工作务虚会, in four cities (韶关 河源 梅州 惠州);
- each of these groups spans both keyword sections (RURAL cities report a rural visit, the others an
  industrial one), so every theme adds a cross-city angle the sections do not give;
- generic words (发展 推进 重要 全面 领导 城市 广东) and 习近平总书记 everywhere;
- 汕尾: a report of the week that no section takes; 肇庆, 清远, 湛江, 茂名, 云浮: no report at all.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from weeklydigest.config import Config, load_config
from weeklydigest.model import Digest

WEEK = "2025-W47"

SECRETARIES = {
    "广州": "郭永航", "深圳": "孟凡利", "珠海": "陈勇", "汕头": "温湛滨", "佛山": "唐屹峰", "韶关": "陈少荣",
    "河源": "何国森", "梅州": "马正勇", "惠州": "刘吉", "汕尾": "逯峰", "东莞": "韩利", "中山": "郭文海",
    "江门": "陈岸明", "阳江": "卢一先", "潮州": "何晓军", "揭阳": "曾风保",
}

SLOGAN_CITIES = ("广州", "深圳", "佛山", "东莞", "中山")
RUN_CITIES = ("汕头", "潮州", "揭阳")
COMPOUND_CITIES = ("珠海", "江门", "阳江")
MEETING_CITIES = ("韶关", "河源", "梅州", "惠州")
RURAL = ("东莞", "中山", "潮州", "揭阳", "阳江", "韶关", "河源")  # reports that the 城乡建设 section takes
UNPLACED_CITY = "汕尾"
NO_REPORT = ("湛江", "茂名", "肇庆", "清远", "云浮")

_GENERIC = "全市上下要深入推进各项重要工作，全面加强党的领导，推动城市高质量发展，为广东发展作出新贡献。"


def _visit(city: str, name: str, day: int) -> str:
    """Return the lead of a visit: to industrial parks, or (a RURAL city) to counties and villages."""
    if city in RURAL:
        return f"11月{day}日，{city}市委书记{name}到县域和乡村调研城乡融合和乡村振兴工作，察看镇村建设情况。\n"
    return f"11月{day}日，{city}市委书记{name}到园区和企业调研产业链供应链建设情况。\n"


def _slogan(city: str, name: str, day: int) -> str:
    return (_visit(city, name, day)
            + f"{name}强调，要坚持“五链融合”，推动产业链、创新链、资金链、人才链、政策链协同发力，"
            f"让更多优质企业在{city}落地生根。{_GENERIC}\n"
            f"{name}指出，习近平总书记的重要讲话为{city}企业发展指明了方向，要抢抓机遇加快项目建设。")


def _run(city: str, name: str, day: int) -> str:
    return (_visit(city, name, day)
            + f"他要求，要围绕强链条、优环境、惠民生，一体抓好产业项目、营商环境和民生实事，"
            f"让企业和群众有更多获得感。{_GENERIC}\n"
            f"{name}在调研中说，习近平总书记的殷切嘱托激励着{city}干部群众，各级要拿出实招硬招。")


def _compound(city: str, name: str, day: int) -> str:
    return (_visit(city, name, day)
            + f"{name}强调，要加快培育低空经济产业集群，完善起降设施和应用场景，推动企业做大做强。{_GENERIC}\n"
            f"他指出，习近平总书记对广东发展寄予厚望，要在新赛道上抢先布局、加快成势。")


def _meeting(city: str, name: str, day: int) -> str:
    task = ("紧盯县域短板，抓好乡村振兴和城乡建设的关键任务" if city in RURAL
            else "紧盯园区短板，抓好产业链供应链建设的关键任务")
    return (f"11月{day}日，{city}召开市委工作务虚会，市委书记{name}主持会议并讲话。\n"
            f"{name}强调，要对标对表谋划明年工作，{task}。"
            f"{_GENERIC}\n"
            f"会议认为，习近平总书记的重要指示为{city}明年工作提供了根本遵循。")


def _province(day: int) -> str:
    return (f"11月{day}日，省委书记黄坤明主持召开座谈会，听取部分地市产业链供应链建设工作汇报。\n"
            f"他强调，要以“五链融合”为牵引，加快建设具有国际竞争力的现代产业，推动全省企业和项目提质增效。"
            f"{_GENERIC}\n"
            f"黄坤明指出，习近平总书记的重要讲话为广东指明了方向，各地要以更实举措抓好落实。")


def _unplaced(name: str, day: int) -> str:
    return (f"11月{day}日，汕尾市委书记{name}看望慰问一线环卫工人，向他们致以节日问候。\n"
            f"{name}表示，环卫工人起早贪黑，守护着城市的干净整洁，值得全社会尊重。")


def reports() -> dict[str, tuple[str, str, str]]:
    """Return the week's reports: file name → (city, title, body)."""
    out: dict[str, tuple[str, str, str]] = {}
    day = 17
    for cities, write, subject in ((SLOGAN_CITIES, _slogan, "调研产业链供应链建设"),
                                    (RUN_CITIES, _run, "到园区调研县区产业项目"),
                                    (COMPOUND_CITIES, _compound, "到园区调研低空产业"),
                                    (MEETING_CITIES, _meeting, "主持市委工作务虚会")):
        for city in cities:
            name = SECRETARIES[city]
            title = f"{name}调研乡村振兴和县域发展" if city in RURAL and write is not _meeting else f"{name}{subject}"
            out[f"{city}.md"] = (city, title, write(city, name, day))
            day = 17 + (day - 16) % 5
    out["广东.md"] = ("广东", "黄坤明主持召开地市产业链供应链建设座谈会", _province(19))
    out[f"{UNPLACED_CITY}.md"] = (UNPLACED_CITY, f"{SECRETARIES[UNPLACED_CITY]}看望慰问环卫工人",
                                  _unplaced(SECRETARIES[UNPLACED_CITY], 20))
    return out


def write_week(folder: Path) -> Path:
    """Write the week's reports as Markdown files with front matter into `folder`; return it."""
    folder.mkdir(parents=True, exist_ok=True)
    for n, (file, (_city, title, body)) in enumerate(reports().items(), start=1):
        day = int(body.split("月", 1)[1].split("日", 1)[0])
        front = {"title": title, "date": f"2025-11-{day:02d}T20:00:00+08:00",
                 "url": f"http://news.example-city.cn/2025-11/{day}/c_{n}.htm", "source": "样例日报"}
        (folder / file).write_text("---\n" + yaml.safe_dump(front, allow_unicode=True) + "---\n\n" + body + "\n",
                                   encoding="utf-8")
    return folder


def earlier_week(folder: Path, *, phrase: str = "“五链融合”", count: int = 30) -> Path:
    """Write October reports that already use `phrase` a lot: the background it is measured against."""
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(count):
        day = 6 + n % 20
        city = list(SECRETARIES)[n % len(SECRETARIES)]
        body = (f"10月{day}日，{city}市委书记{SECRETARIES[city]}调研企业。"
                f"他强调，要坚持{phrase}，推动企业发展。")
        front = {"title": f"{city}调研企业 第{n}次", "date": f"2025-10-{day:02d}T20:00:00+08:00",
                 "url": f"http://news.example-city.cn/2025-10/{day}/e_{n}.htm"}
        (folder / f"oct-{n}.md").write_text("---\n" + yaml.safe_dump(front, allow_unicode=True) + "---\n\n" + body
                                            + "\n", encoding="utf-8")
    return folder


def write_config(tmp_path: Path, *, week: Path) -> Config:
    """Write and load a config for the synthetic week: two sections, a store and an output folder in tmp_path."""
    data = {
        "store": str(tmp_path / "store.sqlite"),
        "output": str(tmp_path / "out"),
        "first_issue": "2025-W46",
        "sources": [{"name": "合成周", "kind": "folder", "path": str(week)}],
        "sections": [
            {"title": "产业发展", "keywords": ["园区", "产业链供应链"], "terms": ["产业链"]},
            {"title": "城乡建设", "keywords": ["县域", "乡村", "城乡"], "terms": ["乡村振兴"]},
        ],
        "min_score": 2,
    }
    path = tmp_path / "digest.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return load_config(path)


def build(tmp_path: Path) -> tuple[Config, Digest, dict[str, str]]:
    """Build the synthetic week from its folder; return the config, the digest and each article's cleaned text."""
    from weeklydigest.build import build_issue, understand
    from weeklydigest.collect import collect
    from weeklydigest.week import parse_week

    from .conftest import FIXED_NOW

    week = write_week(tmp_path / "week")
    config = write_config(tmp_path, week=week)
    digest = build_issue(config, week=parse_week(WEEK), now=FIXED_NOW, sources=config.sources)
    documents, _ = collect(config.sources, tz=config.tz)
    articles, _ = understand(documents, week=parse_week(WEEK), config=config)
    return config, digest, {a.id: a.text for a in articles}

"""Time what users run on weeks of 1,000, 10,000 and 100,000 articles: collect, build json, build pdf.

    .venv/bin/python bench/scale.py [--sizes 1000,10000,100000] [--timeout 1200] [--keep]
                                    [--postgres postgresql://user@host:port/db]

For each size a temporary folder gets its own config (the project's sections, a store and an
output folder of its own) and a folder of that many distinct synthetic reports of 2025-W46, as
real weeks have them: stock phrases every report shares, page furniture, second-outlet copies of
some reports and Traditional-script mirrors (some with pasted spam that only the sibling copy
shows). The store is SQLite in that folder, or with `--postgres` a new database on that server
(dropped afterwards). Then the real command line runs in a child process, one after the other:

- `weeklydigest collect`;
- `weeklydigest build --format json` (it collects again: nothing changed);
- `weeklydigest build --format pdf`;
- a late article: one more report is written into the folder, then `build --format json`.

Each step's wall time, CPU time (user + system) and peak resident memory (the child's own
`ru_maxrss`) are printed, then the scaling exponent of `collect + build json` between sizes (1.0
is linear), from wall time and from CPU time: on a machine shared with other work, the CPU time
moves less than the wall time. A step that runs
past `--timeout` is stopped and shown as not finished. Timings are printed, never asserted.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import os
import platform
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import opencc
import yaml

from benchconfig import write_config  # the project's config with a store and output of the run's own
from store import database  # bench/store.py: a new database on a PostgreSQL server

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
WEEK = "2025-W46"
MONDAY = date(2025, 11, 10)

CITIES = ("广州", "深圳", "珠海", "汕头", "佛山", "韶关", "河源", "梅州", "惠州", "汕尾", "东莞",
          "中山", "江门", "阳江", "湛江", "茂名", "肇庆", "清远", "潮州", "揭阳", "云浮")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢"
GIVEN = "志远海川启明立言振邦文涛宏图远航国栋承志嘉树建中宪平晓岚思远明轩家豪永胜德华俊杰子涵雨桐"
# What a report is about: the first words pick a section of the project's config, the rest none.
TOPICS = ("百千万工程", "典型镇建设", "县域经济", "十五运会赛区服务", "全运会赛事保障", "残特奥会筹备",
          "宣讲四中全会精神", "城中村改造", "科技创新", "制造业当家", "文旅融合", "生态保护", "港口建设",
          "安全生产", "营商环境", "低空经济", "海洋经济", "水利建设", "交通枢纽", "基层治理")
PLACES = ("高新区", "经开区", "港区", "新城", "老城区", "产业园", "滨海新区", "南部片区", "北部山区", "中心镇",
          "东部组团", "西部片区", "临港工业园", "大学城", "科学城", "会展中心", "国际机场", "高铁新城")
SEEN = ("察看", "走访", "听取", "了解", "检查", "调研", "考察", "督导", "慰问", "座谈")
THINGS = ("生产线", "研发中心", "安置房项目", "学校建设", "医院扩建", "物流园区", "码头作业", "农田水利",
          "村容村貌", "服务中心", "展示馆", "冷链仓储", "污水处理厂", "智慧平台", "养老机构", "产业基地",
          "比赛场馆", "志愿者驿站", "交通组织", "应急指挥", "供水管网", "电网改造", "口岸通关", "茶园基地")
VERBS = ("推进", "加快", "深化", "统筹", "强化", "落实", "完善", "提升", "打造", "培育", "优化", "壮大",
         "夯实", "拓展", "激发", "巩固", "筑牢", "健全", "做强", "擦亮")
AIMS = ("产业体系", "城乡融合", "公共服务", "民生保障", "绿色发展", "开放合作", "改革创新", "基础设施",
        "人才引育", "数字转型", "县域经济", "区域协调", "风险防控", "市场主体", "消费潜力", "要素保障",
        "科技成果转化", "现代农业", "海洋牧场", "文旅品牌", "城市更新", "营商服务", "安全底线", "乡村风貌")
OUTLETS = ("日报", "晚报", "发布", "新闻网", "融媒体中心")
# Stock phrases every report of a week shares: the lines that make all articles look alike.
STOCK = (
    "会议强调，要深入学习贯彻党的二十届四中全会精神，坚定不移推动高质量发展。",
    "要以更加奋发有为的精神状态，奋力在推进中国式现代化建设中走在前列。",
)
FURNITURE = "责任编辑：{editor}\n分享到：微信 微博"
SPAM = ("德系车零件", "爆款游戏攻略", "奢侈品代购", "手机壳批发", "私人影院加盟")


@dataclass
class Step:
    name: str
    wall: float | None  # None: stopped at the timeout
    cpu: float
    rss_mb: float
    note: str = ""


def _sentence(rng: random.Random) -> str:
    return (f"{rng.choice(VERBS)}{rng.choice(AIMS)}{rng.randint(2, 999)}项重点任务，"
            f"{rng.choice(SEEN)}{rng.choice(PLACES)}{rng.choice(THINGS)}{rng.randint(1, 99)}处，"
            f"{rng.choice(VERBS)}{rng.choice(AIMS)}和{rng.choice(AIMS)}，"
            f"累计完成投资{rng.randint(1, 900)}.{rng.randint(0, 9)}亿元。")


def report(n: int, rng: random.Random) -> dict[str, object]:
    """Return one distinct synthetic report: a city, its secretary, a day of the week, a lead, a body."""
    city = CITIES[n % len(CITIES)]
    name = SURNAMES[(n // len(CITIES)) % len(SURNAMES)] + rng.choice(GIVEN) + rng.choice(GIVEN)
    day = MONDAY + timedelta(days=rng.randrange(7))
    topic = TOPICS[rng.randrange(len(TOPICS))]
    place = rng.choice(PLACES)
    lead = (f"{day.month}月{day.day}日，{city}市委书记{name}到{place}调研{topic}工作，"
            f"{rng.choice(SEEN)}{rng.choice(THINGS)}和{rng.choice(THINGS)}，{rng.choice(SEEN)}"
            f"第{rng.randint(1, 99)}批项目进展情况。")
    body = [_sentence(rng) + _sentence(rng) for _ in range(rng.randint(3, 5))]
    key = (f"{name}强调，要{rng.choice(VERBS)}{rng.choice(AIMS)}，{rng.choice(VERBS)}{topic}，"
           f"{rng.choice(VERBS)}{rng.choice(AIMS)}{rng.randint(2, 99)}条举措落地见效。")
    published = datetime.combine(day, datetime.min.time()).replace(hour=rng.randint(17, 22), minute=rng.randrange(60))
    return {
        "title": f"{name}到{place}调研{topic}工作（{n}）",
        "published": published,
        "outlet": f"{city}{rng.choice(OUTLETS)}",
        "paragraphs": [lead, *body, key, STOCK[n % 2]],
        "url": f"http://news.example-{n % 97}.cn/{day:%Y%m%d}/content_{n}.htm",
    }


def markdown(item: dict[str, object], *, editor: str) -> str:
    published = item["published"]
    assert isinstance(published, datetime)
    meta = {"title": item["title"], "date": published.strftime("%Y-%m-%dT%H:%M:00+08:00"),
            "url": item["url"], "source": item["outlet"]}
    paragraphs = list(item["paragraphs"])  # type: ignore[call-overload]
    front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False)
    return f"---\n{front}---\n\n" + "\n\n".join(paragraphs) + "\n\n" + FURNITURE.format(editor=editor) + "\n"


def generate(folder: Path, count: int, *, seed: int = 46) -> dict[str, int]:
    """Write `count` report files: distinct reports, 4% second-outlet copies, 2% Traditional mirrors.

    Half of the mirrors carry a product phrase pasted inside a sentence, which only the sibling
    copy of the same report shows to be foreign. Returns how many copies of each kind were planted.
    """
    rng = random.Random(seed)
    hant = opencc.OpenCC("s2hk")
    folder.mkdir(parents=True, exist_ok=True)
    recent: list[dict[str, object]] = []
    planted = {"reports": 0, "second_outlet": 0, "mirror": 0, "mirror_spam": 0}
    for n in range(count):
        kind = n % 50
        if recent and kind in (11, 23):  # a second outlet rewrites the start and keeps the rest
            item = dict(rng.choice(recent[-50:]))
            paragraphs = list(item["paragraphs"])  # type: ignore[call-overload]
            paragraphs[0] = "本报讯 " + paragraphs[0]
            item |= {"paragraphs": paragraphs, "outlet": f"南方{rng.choice(OUTLETS)}",
                     "url": f"http://copy.example.cn/{n}.htm",
                     "published": item["published"] + timedelta(hours=2)}  # type: ignore[operator]
            planted["second_outlet"] += 1
            text = markdown(item, editor="李四")
        elif recent and kind in (37, 41) and n + 1 < count:
            item = dict(rng.choice(recent[-50:]))
            paragraphs = [hant.convert(p) for p in item["paragraphs"]]  # type: ignore[attr-defined]
            if kind == 41:  # spam pasted mid-sentence, as mirror sites do
                body = paragraphs[1]
                cut = body.index("，") + 1
                paragraphs[1] = body[:cut] + hant.convert(rng.choice(SPAM)) + body[cut:]
                planted["mirror_spam"] += 1
            item |= {"title": hant.convert(str(item["title"])), "paragraphs": paragraphs,
                     "outlet": "港澳鏡像網", "url": f"http://mirror.example.hk/{n}.htm"}
            planted["mirror"] += 1
            text = markdown(item, editor="王五")
        else:
            item = report(n, rng)
            recent.append(item)
            planted["reports"] += 1
            text = markdown(item, editor="张三")
        (folder / f"{n // 1000:03d}" / f"r{n:06d}.md").parent.mkdir(exist_ok=True)
        (folder / f"{n // 1000:03d}" / f"r{n:06d}.md").write_text(text, encoding="utf-8")
    return planted


def run(command: list[str], *, cwd: Path, timeout: float) -> tuple[float | None, float, float, str]:
    """Run one command; return its wall time (None if stopped at the timeout), CPU time, peak RSS in MB, stdout."""
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        child = subprocess.Popen(command, cwd=cwd, stdout=out, stderr=err, start_new_session=True)
        deadline = started + timeout
        while True:
            pid, status, usage = os.wait4(child.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                os.killpg(child.pid, signal.SIGKILL)
                pid, status, usage = os.wait4(child.pid, 0)
                return None, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, ""
            time.sleep(0.05)
        wall = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace")
    if child.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({child.returncode}):\n{stderr[-2000:]}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, stdout


def pdf_pages(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return next(int(line.split()[-1]) for line in info.splitlines() if line.startswith("Pages:"))


def bench_size(size: int, *, timeout: float, keep: bool, postgres: str = "") -> list[Step]:
    """Run the four steps on a fresh week of `size` reports (in a new database on `postgres` when given)."""
    if not postgres:
        return _bench_size(size, timeout=timeout, keep=keep, store="")
    url, drop = database(postgres)
    try:
        return _bench_size(size, timeout=timeout, keep=keep, store=url)
    finally:
        drop()


def _bench_size(size: int, *, timeout: float, keep: bool, store: str) -> list[Step]:
    work = Path(tempfile.mkdtemp(prefix=f"bench-scale-{size}-"))
    folder = work / "week"
    started = time.perf_counter()
    planted = generate(folder, size)
    print(f"\n{size:,} files written in {time.perf_counter() - started:.1f} s: {planted['reports']:,} reports, "
          f"{planted['second_outlet']} second-outlet copies, {planted['mirror']} Traditional mirrors "
          f"({planted['mirror_spam']} with pasted spam); in {work}", flush=True)
    config = write_config(work, store=store, sources=[{"name": "合成周", "kind": "folder", "path": str(folder)}])
    cli = [str(BIN / "weeklydigest")]
    build = [*cli, "build", "--config", str(config), "--week", WEEK]
    steps: list[Step] = []
    plan = [
        ("collect", [*cli, "collect", "--config", str(config)]),
        ("build json", [*build, "--format", "json"]),
        ("build pdf", [*build, "--format", "pdf"]),
        ("late article: build json", [*build, "--format", "json"]),
    ]
    for name, command in plan:
        if name.startswith("late"):
            late = report(size + 1, random.Random(size))
            (folder / "late.md").write_text(markdown(late, editor="赵六"), encoding="utf-8")
        wall, cpu, rss, _stdout = run(command, cwd=work, timeout=timeout)
        note = ""
        digest = work / "output" / WEEK / "digest.json"
        if wall is not None and "json" in name and digest.exists():
            stats = json.loads(digest.read_text(encoding="utf-8"))["stats"]
            note = (f"{stats['items']} items, {stats['in_week']:,} in week, {stats['duplicates']} duplicates, "
                    f"{stats['spam_sentences_removed']} spam removed")
        pdf = work / "output" / WEEK / "digest.pdf"
        if wall is not None and name == "build pdf" and pdf.exists():
            note = f"{pdf_pages(pdf)} pages, {pdf.stat().st_size // 1024:,} KB"
        steps.append(Step(name, wall, cpu, rss, note))
        shown = f"{wall:8.1f} s" if wall is not None else f"not finished after {timeout:.0f} s"
        print(f"  {name:<26} {shown:>12} {cpu:8.1f} s cpu {rss:7.0f} MB   {note}", flush=True)
        if wall is None:
            break
    if not keep:
        shutil.rmtree(work, ignore_errors=True)
    return steps


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000", help="comma-separated week sizes")
    parser.add_argument("--timeout", type=float, default=1200, help="seconds before a step is stopped")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folders")
    parser.add_argument("--postgres", default="", help="a PostgreSQL server URL: each size gets a new database on it")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    load = os.getloadavg()[0]
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"load average {load:.1f} at start (other work on the machine slows every figure); "
          f"store: {'PostgreSQL' if args.postgres else 'SQLite'}")
    results = {size: bench_size(size, timeout=args.timeout, keep=args.keep, postgres=args.postgres) for size in sizes}
    print("\n   size   collect + build json: wall      cpu   peak RSS   late article: wall")
    totals: dict[int, tuple[float, float]] = {}
    for size, steps in results.items():
        walls = [s.wall for s in steps[:2]]
        rss = max(s.rss_mb for s in steps[:2])
        late = next((f"{s.wall:.1f} s" for s in steps if s.name.startswith("late") and s.wall is not None), "-")
        if len(walls) == 2 and None not in walls:
            totals[size] = (sum(w for w in walls if w is not None), sum(s.cpu for s in steps[:2]))
            print(f"{size:>7,}   {totals[size][0]:>21.1f} s {totals[size][1]:>6.1f} s {rss:>7.0f} MB   {late:>18}")
        else:
            print(f"{size:>7,}   {'not finished':>23} {'':>8} {rss:>7.0f} MB")
    known = sorted(totals)
    for small, large in itertools.pairwise(known):
        wall, cpu = (math.log(totals[large][k] / totals[small][k]) / math.log(large / small) for k in (0, 1))
        print(f"scaling exponent {small:,} → {large:,}: {wall:.2f} wall, {cpu:.2f} cpu  (time ∝ size^exponent)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The week's phrases are measured against the store's earlier weeks."""

from zoneinfo import ZoneInfo

from weeklydigest.build import build_issue
from weeklydigest.collect import collect_into
from weeklydigest.config import SourceConfig
from weeklydigest.store import Store
from weeklydigest.week import parse_week

from .conftest import FIXED_NOW
from .editorial_week import WEEK, earlier_week, write_config, write_week


def _phrases(tmp_path, *, with_history: bool) -> list[str]:
    week = write_week(tmp_path / "week")
    config = write_config(tmp_path, week=week)
    if with_history:
        october = earlier_week(tmp_path / "october")
        with Store(config.store) as store:
            collect_into(store, (SourceConfig(name="十月", kind="folder", path=october),),
                         tz=ZoneInfo("Asia/Shanghai"), http=config.http)
    digest = build_issue(config, week=parse_week(WEEK), now=FIXED_NOW)
    return [t["term"] for t in digest.stats["emerging_terms"]]


def test_a_slogan_the_earlier_weeks_already_used_is_not_the_weeks_phrase(tmp_path):
    without = _phrases(tmp_path / "without", with_history=False)
    with_history = _phrases(tmp_path / "with", with_history=True)
    assert "“五链融合”" in without[:3]
    assert "“五链融合”" not in with_history
    assert "强链条、优环境、惠民生" in with_history, "what is new this week stays"


def test_the_phrase_finders_words_never_change_how_the_cleaner_cuts_text():
    import rjieba

    from weeklydigest.understand import tagger

    word = "潮汕联运会"  # a section word no dictionary has
    before = rjieba.cut(f"本周{word}筹备工作推进顺利")
    tagger.add_words([word])
    assert word in tagger.cut(f"本周{word}筹备工作推进顺利")
    assert rjieba.cut(f"本周{word}筹备工作推进顺利") == before and word not in before
    assert not rjieba.has_word(word)


def test_phrases_and_meetings_read_from_one_tagging_are_those_read_apart(config):
    from weeklydigest.analysed import Readers
    from weeklydigest.model import Article

    from .content import REPORTS

    readers = Readers(config, None)
    for report in REPORTS:
        article = Article(id=report.slug, title=report.title, url="", source="s", origin=report.slug, published=None,
                          text="\n\n".join(report.paragraphs))
        assert readers.phrases_and_meetings(article) == (readers.phrases(article), readers.meetings(article))
    lead = Article(id="x", title="标题", url="", source="s", origin="x", published=None,
                   text="\n召开市委工作务虚会。")  # a text that opens with a line break is tagged on its own
    assert readers.phrases_and_meetings(lead) == (readers.phrases(lead), readers.meetings(lead))

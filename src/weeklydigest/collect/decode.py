"""Decode article bytes: UTF-8, GB18030/GBK or Big5, chosen by how Chinese the result reads."""

from __future__ import annotations

# The most frequent characters of Chinese news text, in both scripts. A wrong legacy decoding
# (Big5 bytes read as GBK or the reverse) yields mostly rare characters, so the share of these
# tells the right codec apart.
_COMMON = frozenset(
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子"
    "说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机"
    "当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心"
    "反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程"
    "展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期"
    "根论运农指几九区强放决西被干做必战先回则任取据处府市委书记省会议调研推动发展工作强调要求指出"
    "這個來們會說時為國對學發經過當還進與從動點種關應實現機開問體長麼間樣無廣東書記議調研推動發展"
    "區縣鎮村黨組織幹部領導會議強調質縣域賽運"
)

LEGACY_CODECS = ("gb18030", "big5")


def decode_bytes(data: bytes, *, declared: str | None = None) -> tuple[str, str]:
    """Return (text, codec); raise ValueError with a one-line reason if no codec fits."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    if b"\x00" in data[:8192]:
        raise ValueError("binary file (NUL bytes), not text")
    candidates: list[str] = []
    if declared:
        candidates.append(_normalise(declared))
    candidates += ["utf-8", *LEGACY_CODECS]
    decoded: list[tuple[float, int, str, str]] = []
    for rank, codec in enumerate(dict.fromkeys(candidates)):
        try:
            text = data.decode(codec)
        except (UnicodeDecodeError, LookupError):
            continue
        if codec == "utf-8":
            return text, codec  # strict UTF-8 of non-ASCII text is never an accident
        decoded.append((_chinese_score(text), -rank, text, codec))
    if not decoded:
        raise ValueError("cannot decode as UTF-8, GB18030/GBK or Big5")
    score, _, text, codec = max(decoded)
    if score < 0.15 and any(ord(c) > 0x2E80 for c in text):
        raise ValueError(f"decodes as {codec} but does not read as Chinese text")
    return text, codec


def _normalise(name: str) -> str:
    name = name.strip().lower()
    # GB2312 and GBK pages often use characters only GB18030 names; GB18030 is their superset.
    return "gb18030" if name in {"gb2312", "gbk", "x-gbk", "gb_2312-80"} else name


def _chinese_score(text: str) -> float:
    """Share of CJK characters in the text that are common news characters."""
    cjk = [c for c in text if "\u3400" <= c <= "\u9fff"]
    if not cjk:
        return 1.0 if text.isascii() else 0.0
    return sum(c in _COMMON for c in cjk) / len(cjk)

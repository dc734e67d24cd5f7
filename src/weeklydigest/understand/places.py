"""Find the cities of Guangdong an article names, directly or by their districts, counties and towns."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import ahocorasick
import yaml

from ..model import CITIES

PLACES_FILE = Path(__file__).resolve().parents[3] / "config" / "places.yaml"

# Words that contain a place's name but are not the place.
_ROADS = "(?:北|南|东|西|一|二|三|四|五|六|七|八)?路"
_PLACE_TRAPS = {
    "中山": rf"(?<!孙)(?<!逸仙)中山(?!大学|大道|{_ROADS}|装|公园|纪念|先生|舰|陵|医院|医|图书馆|堂|广场|街|中学|小学)",
    "江门": r"(?<!湛)江门",
    "河源": r"(?<!黄)河源",
    "南沙": r"南沙(?!群岛)",
    "新会": r"新会(?!员|址|场|议|标|长|徽|旗)",
    "四会": r"(?<!第)四会(?!议|谈|场)",
    "天河": r"(?<!银)天河",
    "连山": r"连山(?!越岭)",
    "南澳": r"南澳(?!大利亚)",
    "开平": r"开平(?!台|局|稳)",
    "河套": r"河套(?!地区|平原)",
}


@dataclass(frozen=True)
class Gazetteer:
    """The 21 cities and their districts and counties, each name mapped to its city."""

    places: dict[str, str]
    pattern: re.Pattern[str]  # every name, longest first, traps guarded (for other modules' use)
    automaton: ahocorasick.Automaton = field(compare=False)
    traps: dict[str, re.Pattern[str]] = field(default_factory=dict, compare=False)
    elsewhere: frozenset[str] = frozenset()  # provinces and cities outside Guangdong (not counted)

    def count(self, text: str) -> Counter[str]:
        """Return how often each city is named in `text`, directly or by one of its places."""
        counts: Counter[str] = Counter()
        taken = -1
        # Leftmost, then longest match; a name guarded against look-alike words must pass its guard.
        found = sorted(((end - len(name) + 1, -len(name), name) for end, name in self.automaton.iter(text)))
        for start, size, name in found:
            if start < taken:
                continue
            trap = self.traps.get(name)
            if trap is not None and not trap.match(text, start):
                continue
            counts[self.places[name]] += 1
            taken = start - size
        return counts


@lru_cache(maxsize=4)
def load_gazetteer(path: Path = PLACES_FILE) -> Gazetteer:
    """Load the places file (city: [district, county, …]; elsewhere: [places outside Guangdong])."""
    places = {city: city for city in CITIES}
    elsewhere: frozenset[str] = frozenset()
    if path.is_file():
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for city, names in data.items():
            if city in CITIES and isinstance(names, list):
                places.update({str(name): city for name in names})
        if isinstance(data.get("elsewhere"), list):
            elsewhere = frozenset(str(name) for name in data["elsewhere"]) - set(places)
    names = sorted(places, key=len, reverse=True)
    alternatives = [_PLACE_TRAPS.get(n, re.escape(n)) for n in names]
    automaton = ahocorasick.Automaton()
    for name in names:
        automaton.add_word(name, name)
    automaton.make_automaton()
    traps = {name: re.compile(pattern) for name, pattern in _PLACE_TRAPS.items() if name in places}
    return Gazetteer(places=places, pattern=re.compile("|".join(alternatives)), automaton=automaton, traps=traps,
                     elsewhere=elsewhere)


def find_cities(text: str) -> Counter[str]:
    """Return how often each of the 21 cities is named in `text` (districts and counties count)."""
    return load_gazetteer().count(text)

"""The roster of office holders (`config/officials.yaml`): who held which post in which city when."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cached_property, lru_cache
from pathlib import Path

import yaml

from ..config.yamlfile import load_yaml
from ..errors import ConfigError
from ..model import CITIES, PROVINCE

TITLES = ("市委书记", "市长", "省委书记", "省长")


@dataclass(frozen=True)
class Post:
    """One person in one post, from `start` to `end` (both inclusive; no `end`: still in office)."""

    city: str
    title: str
    name: str
    start: date | None = None
    end: date | None = None

    def held_on(self, day: date | None) -> bool:
        """Return whether the post is known to be held on `day`: a day is given and the post began by then.

        An entry without `start` tells whose post it is, never who held it on a given day.
        """
        if day is None or self.start is None:
            return False
        return self.start <= day and (self.end is None or day <= self.end)

    def may_hold_on(self, day: date | None) -> bool:
        """Return whether nothing in the entry rules out `day` (a missing bound is open)."""
        if day is None:
            return False
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


@dataclass(frozen=True)
class Roster:
    posts: tuple[Post, ...] = ()

    @cached_property
    def _names(self) -> frozenset[str]:
        return frozenset(p.name for p in self.posts)

    def names(self) -> frozenset[str]:
        return self._names

    @cached_property
    def dated(self) -> tuple[Post, ...]:
        """Return the entries that say when their post began: the only ones that complete a report."""
        return tuple(p for p in self.posts if p.start is not None)

    def holder(self, city: str, title: str, day: date | None) -> str:
        """Return who held `title` in `city` on `day`, or '' (also when the day is unknown)."""
        for post in self.dated:
            if post.city == city and post.title == title and post.held_on(day):
                return post.name
        return ""

    def posts_of(self, name: str, day: date | None) -> list[Post]:
        """Return the posts `name` is known to hold on `day`."""
        return [p for p in self.posts if p.name == name and p.held_on(day)]

    def city_of(self, name: str, title: str, day: date | None) -> str:
        """Return the city where `name` held `title` on `day` (any time when no post fits the day), or ''."""
        held = [p for p in self.posts if p.name == name and p.title == title]
        for post in held:
            if post.held_on(day):
                return post.city
        return held[0].city if held else ""

    def city_on(self, name: str, title: str, day: date | None) -> str:
        """Return the city of the one post `name` may hold as `title` on `day` (nothing rules it out), or ''."""
        cities = {p.city for p in self.posts if p.name == name and p.title == title and p.may_hold_on(day)}
        return cities.pop() if len(cities) == 1 else ""

    def check(self, name: str, title: str, city: str, day: date | None) -> str:
        """Return a warning when the roster names someone else for this post on this day, else ''.

        An entry without dates speaks for any day here: a warning only asks an editor to look.
        """
        holders = [p.name for p in self.posts if p.city == city and p.title == title and p.may_hold_on(day)]
        if holders and name not in holders and day is not None:
            return f"roster: {city}{title} on {day.isoformat()} is {holders[0]}, the article says {name}"
        return ""


@lru_cache(maxsize=4)
def load_roster(path: Path) -> Roster:
    """Read and validate the roster; a missing file is an empty roster."""
    if not path.is_file():
        return Roster()
    try:
        data = load_yaml(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ConfigError([f"Roster file '{path}': cannot be read: {str(exc).splitlines()[0]}"]) from None
    if isinstance(data, dict):
        data = data.get("officials")
    if not isinstance(data, list):
        raise ConfigError([f"Roster file '{path}': expected a list of officials (city, title, name, from, to)"])
    problems: list[str] = []
    posts = []
    for i, entry in enumerate(data):
        key = f"officials[{i}]"
        if not isinstance(entry, dict):
            problems.append(f"Roster value '{key}': expected a mapping with city, title, name")
            continue
        city, title, name = (str(entry.get(k) or "").strip() for k in ("city", "title", "name"))
        if city not in (*CITIES, PROVINCE):
            problems.append(f"Roster value '{key}.city': expected one of the 21 cities or 广东, got {city!r}")
        if title not in TITLES:
            problems.append(f"Roster value '{key}.title': expected one of {', '.join(TITLES)}, got {title!r}")
        if not 2 <= len(name) <= 4:
            problems.append(f"Roster value '{key}.name': expected a name of 2 to 4 characters, got {name!r}")
        bounds = []
        for field in ("from", "to"):
            value = entry.get(field)
            if value is not None and not isinstance(value, date):
                problems.append(f"Roster value '{key}.{field}': expected a date YYYY-MM-DD, got {value!r}")
                value = None
            bounds.append(value)
        posts.append(Post(city=city, title=title, name=name, start=bounds[0], end=bounds[1]))
    if problems:
        raise ConfigError(problems)
    return Roster(tuple(posts))

"""The phrase tagger: a tokenizer of its own for the week's phrases and kinds of meeting.

The configured section words are added to it (`十五运会` stays whole, not `十五` + `运会`). It is not
the cleaner's tokenizer (rjieba's default, which `clean` and `spam` read): adding words to that
one would change how every later text of the process is cleaned, so phrases could not be read in
the same process as the cleaning, before it ends. Tagging is linear in the text.
"""

from __future__ import annotations

from collections.abc import Iterable

import rjieba

_tagger: rjieba.Jieba | None = None
_added: set[str] = set()


def _instance() -> rjieba.Jieba:
    global _tagger
    if _tagger is None:
        _tagger = rjieba.Jieba()  # the default dictionary, loaded again (about 0.1 s)
    return _tagger


def add_words(words: Iterable[str]) -> None:
    """Keep these words whole when tagging (words of one character are left out)."""
    tagger = _instance()
    for word in words:
        if len(word) >= 2 and word not in _added:
            tagger.add_word(word, None, None)
            _added.add(word)


def tag(text: str) -> list[tuple[str, str]]:
    """Return the text's words with their part-of-speech tags."""
    return _instance().tag(text)


def cut(text: str) -> list[str]:
    """Return the text's words (the configured section words whole once added)."""
    return _instance().cut(text)

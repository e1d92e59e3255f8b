"""Words and search terms: one tokenizer and one stop-word list for indexing and asking.

`terms(text)` is what a document is indexed on and a question searched with:
folded (NFKC, case, accents), English words stemmed by Snowball (so cache,
caches and caching meet), and code kept whole as well as in parts:

    terms("Use os.path.join() or **kwargs in __init__ when a == b")
    -> ['use', 'os.path.join', 'os', 'path', 'join', 'or', '**kwargs', '(**)', 'kwarg',
        'in', '__init__', 'init', 'when', 'a', '==', 'b']

A dotted or underscored name (`os.path.join`, `default_factory`,
`__init__`; `object.__init__` is `__init__` too), a starred parameter (`**kwargs`, which
also shares the term `(**)` with every `**name`), an operator of two or more
characters (`==`, `!=`, `->`, `**`) and a decimal number (`0.1`, `3.11`) are
tokens of their own; call parentheses
(`zip()`) are not part of a name. Stop words are indexed like any word (a
question may be about `is`); `STOP_WORDS` says which words a question's
search leaves out when it has better ones.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Iterator

import snowballstemmer  # type: ignore[import-untyped]

__all__ = [
    "QUESTION_FILLER",
    "QUESTION_WORDS",
    "STOP_WORDS",
    "Token",
    "code_term",
    "fold",
    "index_token",
    "span_terms",
    "starred_term",
    "stem",
    "terms",
    "tokens",
    "words",
]

STOP_WORDS = frozenset(
    """
    a about above after again against all also am an and any are aren as at be because been
    before being below between both but by can cannot could couldn did didn do does doesn doing
    don during each either else ever every few for from further get gets got had hadn has
    hasn have haven having he her here hers herself him himself his how however i if in into is
    isn it its itself just let like ll may me might more most must mustn my myself no nor not now
    of off on once only or other ought our ours ourselves out over own per please re really same
    shall shan she should shouldn so some such tell than that the their theirs them themselves
    then there these they this those through to too under until up upon us ve very via was wasn
    we were weren what when where whether which while who whom whose why will with within without
    won would wouldn yes yet you your yours yourself yourselves s t d m
    since although though unless whereas
    doesnt dont cant wont isnt arent didnt shouldnt wouldnt couldnt wasnt werent hasnt havent
    im ive youre theyre thats theres whats hows wheres whos
    """.split()
)

# Words that carry the asking, not the topic: "What happens when...", "How does X work?".
QUESTION_FILLER = frozenset(
    """
    happen happens happened happening mean means meant work works explain describe tell know
    show find give difference differences exactly actually really possible ok okay way ways
    thing things kind kinds example examples please thanks anyone someone something anything
    much many use used using according regarding concerning whats hows whys versus vs
    still inside actually basically simply even always anyway sure good bad better best worse
    worst right wrong properly correctly easily quickly efficiently efficient possible want
    wants wanted need needs needed able stuff lot lots bit whole somehow certain certainly
    hey hi hello big huge tiny nice proper matter matters heavy make makes meaning turn
    """.split()
)

# The words of asking itself: never searched for, even when a question has nothing else.
QUESTION_WORDS = frozenset(
    """
    a an the what how why when where which who whom whose is are was were am be been being do
    does did doing can could should would will shall may might must i me my you your we us our
    it its this that these those they them he she him her there here s t d m ll ve re
    """.split()
)

_ENGLISH = snowballstemmer.stemmer("english")

# A name with dots or underscores (os.path.join, __init__, default_factory), possibly starred
# (**kwargs); an operator of two or three characters; or a plain run of letters and digits.
_TOKEN = re.compile(
    r"(?P<number>(?<![\w.])\d+(?:\.\d+)+(?![\w.]))|(?P<name>\*{1,2}[^\W\d][\w]*|[^\W\d]\w*(?:\.[^\W\d]\w*)+|\w*_\w*)"
    r"|(?P<op>(?<![=!<>+\-*/%&|^~:@.])(?:\*\*=|//=|>>=|<<=|==|!=|<=|>=|\*\*|//|->|=>|:=|\+=|-=|\*=|/=|%=|&=|\|=|\^=|<<|>>|===|!==)(?![=!<>+\-*/%&|^~:@]))"
    r"|(?P<word>[^\W_]+)",
    re.UNICODE,
)
_PLAIN = re.compile(r"[^\W_]+", re.UNICODE)
_SAFE = re.compile(r"[a-z0-9]")


# Typographic punctuation documents are full of, folded the cheap way first.
_PUNCTUATION = str.maketrans(
    {"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-", "…": "...", "\u00a0": " "}
)


def fold(text: str) -> str:
    """NFKC, case folding and accents removed, so 'Café' and 'cafe' are one word."""
    if text.isascii():
        return text.lower()  # the common case, a hundred times faster
    text = text.translate(_PUNCTUATION)
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text).casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def words(text: str) -> list[str]:
    """The folded plain words of `text`, in order (letters and digits; `REDIS_URL` is two)."""
    return _PLAIN.findall(fold(text))


@functools.lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The Snowball (Porter 2) English stem of a folded word, so cache/caches/caching/cached share
    'cach'. Numbers, names with symbols and one- and two-letter words stay as they are."""
    if len(word) < 3 or not word.isalpha():
        return word
    stemmed: str = _ENGLISH.stemWord(word)
    return stemmed


class Token:
    """A token of text as typed (`word`, folded) and its search term (`term`); `is_code` for a
    name or operator, `part_of` the code token a plain part was cut from."""

    __slots__ = ("is_code", "part_of", "term", "word")

    def __init__(self, word: str, term: str, *, is_code: bool, part_of: str = "") -> None:
        self.word = word
        self.term = term
        self.is_code = is_code
        self.part_of = part_of

    def __repr__(self) -> str:
        return f"Token({self.word!r}, {self.term!r})"


def tokens(text: str) -> Iterator[Token]:
    """The tokens of `text` in order: code tokens followed by their plain parts."""
    for match in _TOKEN.finditer(fold(text)):
        kind = match.lastgroup
        value = match.group()
        if kind == "word":
            yield Token(value, stem(value), is_code=False)
        elif kind == "number":  # 0.1, 3.11: one token, as written
            yield Token(value, value, is_code=False)
        elif kind == "op":
            yield Token(value, value, is_code=True)
        else:
            yield from _name_tokens(value)


def _name_tokens(value: str) -> Iterator[Token]:
    """A name (`os.path.join`, `__init__`, `**kwargs`) whole, then its plain parts."""
    name = value.strip(".")
    parts = _PLAIN.findall(name)
    if len(parts) == 1 and not name.startswith("*") and "__" not in name:
        # "_private" or "trailing_": one plain word with marks, no compound to keep
        yield Token(parts[0], stem(parts[0]), is_code=False)
        return
    if not parts:
        return
    yield Token(name, name, is_code=True)
    stars = len(name) - len(name.lstrip("*"))
    if stars:
        # "**kwargs" and "**name" are both the catch-all of keyword arguments: one shared term.
        yield Token(name[:stars], starred_term(stars), is_code=False, part_of=name)
    last = name.rsplit(".", 1)[-1]
    if last != name and (len(_PLAIN.findall(last)) > 1 or "__" in last):
        # "object.__init__" is also `__init__`: the name its owner qualifies.
        yield Token(last, last, is_code=True, part_of=name)
    for part in parts:
        yield Token(part, stem(part), is_code=False, part_of=name)


def starred_term(stars: int) -> str:
    """The term every name with `stars` leading stars shares (`**kwargs`, `**name`): "(**)",
    which no text spells, so it never meets the `**` operator."""
    return f"({'*' * stars})"


_KEYWORD = re.compile(r"[a-z_][a-z0-9_]*")


def code_term(word: str) -> str:
    """The term for a word written as code (`is`, `with`): apart from the same word in prose."""
    return f"`{word}`"


def span_terms(spans: Iterable[str]) -> list[str]:
    """The terms of a text's inline code: each span that is one word (a keyword or a name
    written as code) as `code_term`, so "the `is` operator" is found for `is`, which as a
    prose word is everywhere."""
    found = (fold(span).strip() for span in spans)
    return [code_term(word) for word in found if _KEYWORD.fullmatch(word)]


def terms(text: str) -> list[str]:
    """The search terms of `text` in order (see the module docstring)."""
    return list(_terms(text))


@functools.lru_cache(maxsize=50_000)
def _terms(text: str) -> tuple[str, ...]:
    """`terms`, remembered: the same passages and sentences are read several times a question."""
    found: list[str] = []
    for match in _TOKEN.finditer(fold(text)):
        kind = match.lastgroup
        value = match.group()
        if kind == "word":
            found.append(stem(value))
        elif kind != "name":
            found.append(value)
        else:
            found.extend(t.term for t in _name_tokens(value))
    return tuple(found)


@functools.lru_cache(maxsize=100_000)
def index_token(term: str) -> str:
    """A term spelt with [a-z0-9_] only, for SQLite's unicode61 tokenizer: every other
    character becomes `_<hex>_` (so `==` is `_3d__3d_` and no two terms meet)."""
    return "".join(ch if _SAFE.fullmatch(ch) else f"_{ord(ch):x}_" for ch in term)

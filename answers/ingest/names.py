"""The name an API heading documents: "class collections.Counter([iterable])" names
collections.Counter, "os.path.join(path, *paths)" names os.path.join (called).

Documentation generators head each entry of an API reference with its
signature; a report shows the name, a follow-up asks about it, and the
chunker qualifies a member's bare name with its class ("maps" under
"class collections.ChainMap(*maps)" is "collections.ChainMap.maps").
"""

from __future__ import annotations

import re

__all__ = ["CODE_KEYWORDS", "code_name", "qualified"]

CODE_KEYWORDS = frozenset(
    "class def function method async await static classmethod staticmethod abstractmethod "
    "property exception data attribute coroutine awaitable decorator".split()
)
# "collections.Counter([iterable])", "class int(x=0)", "maps", "__init__(self)"
_NAME = re.compile(
    r"^(?:(?:[a-z]+)\s+)*([A-Za-z_][\w]*(?:\.[A-Za-z_][\w]*)*)\s*(\(.*\))?(?:\s*->.*)?$"
)
_SPACE = re.compile(r"\s+")
_MARKS = re.compile(r"[\s¶#§🔗⚓:;.\-–—]+$")


def code_name(heading: str) -> tuple[str, bool] | None:
    """The name an API heading documents and whether it is called ("os.path.join", True for
    "os.path.join(path, *paths)"), or None for a heading of words."""
    text = _MARKS.sub("", _SPACE.sub(" ", heading).strip())
    match = _NAME.match(text)
    if match is None:
        return None
    name, call = match.group(1), match.group(2)
    prefix = text[: match.start(1)].split()
    is_code_like = bool(call) or "." in name or "_" in name or bool(prefix)
    if prefix and not all(w in CODE_KEYWORDS for w in prefix):
        return None
    if not is_code_like:
        return None
    is_class = "class" in prefix or "exception" in prefix
    return name, bool(call) and not is_class


def qualified(term: str, parent: str) -> str | None:
    """A member's heading qualified by its class's ("maps" under "class
    collections.ChainMap(*maps)" -> "collections.ChainMap.maps", "most_common([n])" ->
    "collections.Counter.most_common([n])"), or None when the term is not a bare member name
    or the parent names no class or module."""
    text = _MARKS.sub("", _SPACE.sub(" ", term).strip())
    match = _NAME.match(text)
    if match is None or "." in match.group(1):
        return None
    prefix = text[: match.start(1)].split()
    if not all(w in CODE_KEYWORDS for w in prefix):
        return None
    above = code_name(parent)
    if above is None:
        return None
    return f"{above[0]}.{match.group(1)}{match.group(2) or ''}"

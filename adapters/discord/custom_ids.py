"""The `custom_id`s on factbot's Discord components: versioned, and all a click needs.

Discord gives a click back with nothing but the component's `custom_id` (and
the message it sits on), so each id names the stored answer and what was
clicked: `fb:v1:<kind>:<answer id>[:<index>]`, at most 100 characters. A
later layout gets `fb:v2:...` and both keep working side by side.
"""

from __future__ import annotations

PREFIX = "fb:v1"
MAX_CUSTOM_ID_CHARS = 100
ANSWER_ID = r"(?P<answer_id>[0-9a-f]{16})"
INDEX = r"(?P<index>[0-9]{1,2})"


def template(kind: str, tail: str | None = None) -> str:
    """The regular expression a `DynamicItem` of this kind matches its `custom_id` against."""
    return rf"{PREFIX}:{kind}:{ANSWER_ID}" + (f":{tail}" if tail else "")


def custom_id(kind: str, answer_id: str, tail: int | str | None = None) -> str:
    built = f"{PREFIX}:{kind}:{answer_id}" + ("" if tail is None else f":{tail}")
    if len(built) > MAX_CUSTOM_ID_CHARS:
        raise ValueError(f"custom_id longer than {MAX_CUSTOM_ID_CHARS} characters: {built!r}")
    return built

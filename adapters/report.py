"""The report core: a report's claims, code and sources fitted into a platform's budget, once.

Slack, Discord and the terminal draw the same parts of an `Answer`: claims
with their citations (and below a claim, the code block it introduces), and
the numbered sources, shortened with "…and N more" when they do not fit.
What differs is the platform's markup: how text is escaped, how a citation
links, how code is fenced. Each renderer passes its `Markup`; the fitting
rules live here alone:

- a claim that does not fit is cut with "…" (its citations kept) or, when
  fewer than `MIN_CUT_CHARS` of its words would be left, replaced by "…";
  the claims after it are left out;
- citations take at most a third of a claim's room: links while they fit,
  then plain marks;
- a claim's code follows its sentence as a block (prose joined by spaces
  goes one claim a line then); when the block does not fit whole it is cut
  at a line, ending in "…", and left out when under `MIN_CODE_CHARS` would
  show;
- a source whose URL may not become a link is shown with its URL (a
  document's path) as code, never dropped.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from adapters.text import ELLIPSIS, cut_code
from answers import Answer, Claim, Source

__all__ = [
    "MIN_CODE_CHARS",
    "MIN_CUT_CHARS",
    "UNLIMITED",
    "FittedClaims",
    "Markup",
    "and_more",
    "code_within",
    "fit_claims",
    "lines_within",
    "source_line",
]

MIN_CUT_CHARS = 40  # a claim cut shorter than this is left out for "…" instead
MIN_CODE_CHARS = 40  # a code block showing less than this of its code is left out
PATH_CHARS = 200  # a source's path shown as code
UNLIMITED = sys.maxsize  # the terminal's budget


@dataclass(frozen=True)
class Markup:
    """A platform's way of writing text, as five functions:

    - `fit(text, limit)`: `text` escaped (shows as typed, pings no one), cut with "…" to
      `limit` characters;
    - `link(text, url, limit)`: `text` escaped and cut to `limit` as a link to `url`, or None
      when `url` may not be a link (not http(s), too long, unsafe in this markup);
    - `cite(n, url)`: citation `n` linked to `url`, or its plain mark when `url` is None;
    - `code_block(code)`: `code` whole as a block, escaped so nothing in it ends the block;
    - `code_span(text, limit)`: `text` as inline code on one line, cut to about `limit`.
    """

    fit: Callable[[str, int], str]
    link: Callable[[str, str, int], str | None]
    cite: Callable[[int, str | None], str]
    code_block: Callable[[str], str]
    code_span: Callable[[str, int], str]


@dataclass(frozen=True)
class FittedClaims:
    """Claims as lines, and the separator they are joined with."""

    lines: list[str]
    sep: str

    @property
    def text(self) -> str:
        return self.sep.join(self.lines)


def fit_claims(
    markup: Markup,
    answer: Answer,
    claims: Sequence[Claim],
    *,
    limit: int,
    sep: str = " ",
    bullet: str = "",
    line_limit: int = UNLIMITED,
) -> FittedClaims:
    """One line per claim (`bullet`, escaped text, citations, its code) joined by `sep`, in at
    most `limit` characters in all and `line_limit` a line. Never empty: "…" at the least."""
    if "\n" not in sep and any(claim.code for claim in claims):
        sep = "\n"  # a code block needs lines of its own around it
    lines: list[str] = []
    used = 0
    for claim in claims:
        room = limit - used - (len(sep) if lines else 0)
        line = _claim_line(markup, answer, claim, line_limit, bullet)  # as shown given room
        if line is not None and len(line) <= room:
            lines.append(line)
            used += len(line) + (len(sep) if len(lines) > 1 else 0)
            continue
        cut = _claim_line(markup, answer, claim, room, bullet)
        if cut is not None:
            lines.append(cut)
        elif lines and not lines[-1].endswith(ELLIPSIS) and room >= len(ELLIPSIS):
            lines.append(ELLIPSIS)
        break
    return FittedClaims(lines or [ELLIPSIS], sep)


def _claim_line(markup: Markup, answer: Answer, claim: Claim, room: int, bullet: str) -> str | None:
    """The claim in at most `room` characters, cut if it must; None when too little would show."""
    cites = _citations(markup, answer, claim.cites, room // 3)
    suffix = f" {cites}" if cites else ""
    text_room = room - len(bullet) - len(suffix)
    whole = markup.fit(claim.text, UNLIMITED)
    if len(whole) > text_room:
        if text_room < MIN_CUT_CHARS:
            return None
        return bullet + markup.fit(claim.text, text_room) + suffix
    line = bullet + whole + suffix
    if claim.code and claim.code.strip():
        block = code_within(markup, claim.code, room - len(line) - 1)
        if block is not None:
            line += "\n" + block
    return line


def _citations(markup: Markup, answer: Answer, numbers: Sequence[int], limit: int) -> str:
    """Each cited source's link, its plain mark once links no longer fit in `limit`."""
    parts: list[str] = []
    used = 0
    for n in numbers:
        linked = markup.cite(n, answer.source(n).url)
        part = linked if used + len(linked) <= limit else markup.cite(n, None)
        if used + len(part) > limit:
            break
        parts.append(part)
        used += len(part)
    return "".join(parts)


def code_within(markup: Markup, code: str, limit: int) -> str | None:
    """`code` as the platform's block in at most `limit` characters: whole, or its first lines
    and "…"; None when less than `MIN_CODE_CHARS` of it would show."""
    code = code.strip("\n")
    whole = markup.code_block(code)
    if len(whole) <= limit:
        return whole
    low, high = 0, len(code)  # the longest cut whose block fits (escaping only adds)
    while low < high:
        middle = (low + high + 1) // 2
        if len(markup.code_block(cut_code(code, middle))) <= limit:
            low = middle
        else:
            high = middle - 1
    if low < MIN_CODE_CHARS:
        return None
    return markup.code_block(cut_code(code, low))


def source_line(
    markup: Markup,
    source: Source,
    *,
    number: str,
    title_chars: int,
    publisher_chars: int,
    is_dated: bool = False,
) -> str:
    """`number` (the platform's "1." or "[1]"), the title linked to the source, publisher and
    date; a source whose URL is no link shows its URL (a document's path) as code."""
    linked = markup.link(source.title, source.url, title_chars)
    if linked is None:
        title = markup.fit(source.title, title_chars)
        linked = f"{title} · {markup.code_span(source.url, PATH_CHARS)}"
    line = f"{number} {linked}"
    if source.publisher.strip():
        line += f" · {markup.fit(source.publisher, publisher_chars)}"
    if is_dated and source.published is not None:
        line += f" · {source.published.isoformat()}"
    return line


def lines_within(lines: Sequence[str], room: int, *, reserve: int) -> tuple[list[str], int]:
    """As many `lines` (newline-joined) as fit in `room` characters, keeping `reserve` free for
    the "…and N more" line when some are left out; and how many were left out."""
    if sum(len(line) for line in lines) + len(lines) - 1 <= room:
        return list(lines), 0
    shown: list[str] = []
    used = 0
    for line in lines:
        if used + len(line) + (1 if shown else 0) > room - reserve:
            break
        used += len(line) + (1 if shown else 0)
        shown.append(line)
    return shown, len(lines) - len(shown)


def and_more(count: int) -> str:
    """The start of the line standing for `count` sources left out."""
    return f"…and {count} more"

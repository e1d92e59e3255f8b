"""An `Answer` as rich text for the terminal: numbered sections, `[n]` cites, clickable sources.

The claims go through the report core (`adapters.report`) with `RICH_MARKUP`,
rich's console markup: everything a person, a document or a model wrote is
made printable (no terminal escape codes) and escaped (`rich.markup.escape`),
so markup in a document is printed, not run. The terminal has no size limit.
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.markup import escape
from rich.rule import Rule
from rich.style import Style
from rich.text import Text

from adapters.report import UNLIMITED, Markup, fit_claims
from adapters.text import cut, is_web_link, printable
from adapters.wording import answering_line
from answers import Answer, Claim

CITE = "cyan"
CODE = "green"
CODE_INDENT = "    "
_URL_QUOTES = {"[": "%5B", "]": "%5D"}  # a bracket would end rich's [link=...] tag


def _text(text: str, style: str | Style = "") -> Text:
    """Text from a person, a document or a model: no terminal escape codes get through."""
    return Text(printable(text), style=style)


def _linked(style: Style, url: str) -> Style:
    """`style` linked to `url` (terminals that can), if it is a plain web URL."""
    return style + Style(link=url) if is_web_link(url) else style


def _link_target(url: str) -> str | None:
    return "".join(_URL_QUOTES.get(ch, ch) for ch in url) if is_web_link(url) else None


def _fit(text: str, limit: int) -> str:
    return escape(cut(printable(text), limit))


def _linked_text(text: str, url: str, limit: int) -> str | None:
    target = _link_target(url)
    return f"[link={target}]{_fit(text, limit)}[/link]" if target else None


def _cite(n: int, url: str | None) -> str:
    target = _link_target(url) if url is not None else None
    style = f"{CITE} link={target}" if target else CITE
    return f"[{style}]\\[{n}][/]"


def _code_block(code: str) -> str:
    lines = printable(code).splitlines() or [""]
    return f"[{CODE}]" + "\n".join(CODE_INDENT + escape(line) for line in lines) + "[/]"


def _code_span(text: str, limit: int) -> str:
    return f"[{CODE}]{_fit(' '.join(text.split()), limit)}[/]"


# rich's console markup as the report core's `Markup`.
RICH_MARKUP = Markup(
    fit=_fit, link=_linked_text, cite=_cite, code_block=_code_block, code_span=_code_span
)


def _claims(answer: Answer, claims: tuple[Claim, ...]) -> Text:
    """Claims as one paragraph (one a line around code); each cite a `[n]` linked to its source
    (terminals that can), each code block indented below its claim."""
    fitted = fit_claims(RICH_MARKUP, answer, claims, limit=UNLIMITED)
    return Text.from_markup(fitted.text, emoji=False)


def render_answer(answer: Answer, *, is_stale: bool = False) -> RenderableType:
    """The whole report; `Text` objects throughout, so markup in a document is printed, not run."""
    parts: list[RenderableType] = [_text(answer.title, style="bold")]
    answering = answering_line(answer)
    if answering is not None:  # a follow-up asked in a thread, as factbot understood it
        parts.append(_text(answering, style="italic"))
    parts += [
        Text(f"Checked on {answer.checked_on:%B %-d, %Y at %H:%M %Z}", style="dim"),
        _text(answer.disclaimer, style="dim italic"),
    ]
    if is_stale:
        parts.append(Text("This answer may be out of date: ask again with --refresh.", "yellow"))
    parts += [Text(""), Text("Summary", style="bold underline"), _claims(answer, answer.summary)]
    for i, section in enumerate(answer.sections, start=1):
        parts += [Text(""), _text(f"{i}. {section.heading}", style="bold")]
        parts.append(_claims(answer, section.claims))
    if answer.limitations:
        parts += [Text(""), Text("Limitations", style="bold underline")]
        parts.append(_claims(answer, answer.limitations))
    if answer.sources:
        parts += [Text(""), Text("Sources", style="bold underline")]
        for source in answer.sources:
            line = Text(f"[{source.n}] ")
            line.append(printable(source.title), style=_linked(Style(), source.url))
            if source.publisher:
                line.append(f" — {printable(source.publisher)}", style="dim")
            line.append(f"  {printable(source.url)}", style="dim")
            parts.append(line)
    parts += [Text(""), Text("Want to dive deeper?", style="bold underline")]
    for i, question in enumerate(answer.follow_ups, start=1):
        parts.append(_text(f"  {i}. {question}"))
    parts += [
        Rule(style="dim"),
        Text(
            f"answer {answer.id} · {answer.engine.backend}/"
            f"{answer.engine.writer} {answer.engine.version}",
            "dim",
        ),
    ]
    return Group(*parts)

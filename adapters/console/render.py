"""An `Answer` as rich text for the terminal: numbered sections, `[n]` cites, clickable sources."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.rule import Rule
from rich.style import Style
from rich.text import Text

from adapters.text import is_web_link, printable
from answers import Answer, Claim

CITE = Style(color="cyan")


def _text(text: str, style: str | Style = "") -> Text:
    """Text from a person, a document or a model: no terminal escape codes get through."""
    return Text(printable(text), style=style)


def _linked(style: Style, url: str) -> Style:
    """`style` linked to `url` (terminals that can), if it is a plain web URL."""
    return style + Style(link=url) if is_web_link(url) else style


def _claims(answer: Answer, claims: tuple[Claim, ...]) -> Text:
    """Claims as one paragraph; each cite a `[n]` linked to its source (terminals that can)."""
    text = Text()
    for i, claim in enumerate(claims):
        if i:
            text.append(" ")
        text.append(printable(claim.text))
        for n in claim.cites:
            text.append(" ")
            text.append(f"[{n}]", style=_linked(CITE, answer.source(n).url))
    return text


def render_answer(answer: Answer, *, is_stale: bool = False) -> RenderableType:
    """The whole report; `Text` objects throughout, so markup in a document is printed, not run."""
    parts: list[RenderableType] = [
        _text(answer.title, style="bold"),
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

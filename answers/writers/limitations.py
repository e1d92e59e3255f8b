"""A report's limitations: what the evidence does not say, and how far it can be trusted."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from answers.model import DraftClaim, DraftSource
from answers.writers.reading import Reading

__all__ = ["absence_claim", "quoted_words", "report_limitations"]


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def quoted_words(words: Iterable[str], *, last: str = "or") -> str:
    items = [f"“{w}”" for w in words]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {last} " + items[-1]


def absence_claim(documents: int) -> DraftClaim:
    where = f"these {_count(documents, 'document')}" if documents else "these documents"
    return DraftClaim(
        f"That something is missing from {where} is not evidence that it is false; "
        "it only means they do not say."
    )


def report_limitations(
    reading: Reading, cited: Sequence[DraftSource], documents: int, notes: Sequence[str]
) -> tuple[DraftClaim, ...]:
    lines: list[str] = []
    if reading.missing:
        words = [t.word for t in reading.missing]
        lines.append(
            f"No passage found mentions {quoted_words(words)}, so this report says nothing about "
            f"{'it' if len(words) == 1 else 'them'}."
        )
    bearing = len({reading.passages[i].source.url for i in reading.relevant()})
    lines.append(
        f"Searched {_count(documents, 'document')}; {bearing} "
        f"{'mentions' if bearing == 1 else 'mention'} some of the question's words and "
        f"{len(cited)} {'is' if len(cited) == 1 else 'are'} quoted here."
    )
    if len(cited) == 1:
        lines.append("Every quote comes from one document, so no second source confirms it.")
    dated = sorted(s.published for s in cited if s.published is not None)
    if dated:
        span = (
            dated[0].isoformat()
            if dated[0] == dated[-1]
            else (f"{dated[0].isoformat()} to {dated[-1].isoformat()}")
        )
        undated = len(cited) - len(dated)
        lines.append(
            f"The quoted sources are dated {span}"
            + (
                f"; {_count(undated, 'source')} {'carries' if undated == 1 else 'carry'} no date."
                if undated
                else "."
            )
        )
    lines.append(
        "Each claim is quoted word for word from its source; the sources themselves were not "
        "checked against anything else."
    )
    lines.extend(note.strip() for note in notes if note.strip())
    return (*(DraftClaim(line) for line in lines), absence_claim(documents))

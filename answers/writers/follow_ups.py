"""Follow-up questions drawn from the documents: their headings, turned into questions.

A heading that is already a question stays one ("How do I add factbot to
Slack?"); "When Redis is down" becomes "What happens when Redis is down?";
"How factbot caches answers" becomes "Can you explain how factbot caches
answers?"; "Add factbot to Slack" becomes "How do I add factbot to Slack?"; any other
heading becomes "What should I know about <heading>?" ("...about refreshing
an answer?").
Each one is a search the same sources can answer on its own.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from answers.ranking import terms

__all__ = ["MAX_FOLLOW_UP_CHARS", "as_question", "clean_heading", "pick_follow_ups"]

MAX_FOLLOW_UP_CHARS = 120
MAX_HEADING_WORDS = 14

WH_WORDS = frozenset("how what why when where which who whom whose".split())
AUXILIARIES = frozenset(
    "is are was were am be do does did can could should would will shall may might must has "
    "have had isn aren doesn don didn can't won't".split()
)
CONDITION_WORDS = frozenset("if when while once after before during unless with without".split())
# Headings that open with one of these are instructions: "Add factbot to Discord".
IMPERATIVES = frozenset(
    """
    add install configure set run deploy create build enable disable connect start stop update
    upgrade write point ask invite register choose pick get make test check remove delete change
    migrate scale monitor debug fix troubleshoot secure keep share index search read publish send
    reply turn switch limit tune back restore rotate
    """.split()
)
# Headings that say nothing about their section's content.
VAGUE_HEADINGS = frozenset(
    "introduction overview summary background contents details notes note more misc untitled "
    "main home about general other".split()
)
# Headings that make no question worth asking next.
NAVIGATION_HEADINGS = VAGUE_HEADINGS | {
    "table of contents",
    "related",
    "related articles",
    "read more",
    "learn more",
    "see also",
    "further reading",
    "references",
    "conclusion",
    "conclusions",
    "faq",
    "advertisement",
    "share",
    "comments",
    "menu",
    "navigation",
    "where to read next",
    "what to read next",
    "next steps",
    "what's next",
    "getting help",
    "license",
    "changelog",
    "contributing",
    "acknowledgements",
    "credits",
    "documentation",
    "the rest of the documentation",
    "more documentation",
}

CODE_MARKS = ("/", "--", "`", "=", "{", "<", "()", "$")

_NUMBERING = re.compile(  # "2.1 ", "3) ", "Step 3: ", "Item 4: "; not a year ("2024 in review")
    r"^\s*(?:(?:step|part|chapter|section|item)\s+\d+[.:)]?|\d{1,3}(?:\.\d{1,3})*[.):]?)\s+",
    re.IGNORECASE,
)
_SPACE = re.compile(r"\s+")


def clean_heading(heading: str) -> str:
    """A heading on one line without its numbering ("2.1 ", "Step 3: ") or trailing colon."""
    text = _SPACE.sub(" ", heading).strip()
    while (unnumbered := _NUMBERING.sub("", text, count=1).strip()) != text:
        text = unnumbered
    return text.rstrip(" :;.-–—").strip()


def is_vague(heading: str) -> bool:
    """A heading that does not say what its section holds ("Overview", "Notes")."""
    return clean_heading(heading).casefold() in VAGUE_HEADINGS


def is_navigation(heading: str) -> bool:
    """A heading no one would ask about ("See also", "Next steps", "License")."""
    return clean_heading(heading).casefold() in NAVIGATION_HEADINGS


def _lower_first(text: str) -> str:
    first = text.split(" ", 1)[0]
    if len(first) > 1 and first[0].isupper() and first[1:].islower():
        return text[0].lower() + text[1:]
    return text


def as_question(heading: str, *, is_common_word: Callable[[str], bool]) -> str | None:
    """The heading as a question someone could ask next, or None if it makes a poor one.

    `is_common_word(word)` says whether the heading's first word is an ordinary word (seen in
    lower case in the documents), so "Freshness" is lowered and "Slack" is not.
    """
    text = clean_heading(heading)
    if not text or not any(ch.isalpha() for ch in text):
        return None
    if len(text.split()) > MAX_HEADING_WORDS or is_navigation(text):
        return None
    if any(mark in text for mark in CODE_MARKS):
        return None  # "Health: GET /healthz" makes no question a person would ask
    first, _, rest = text.partition(" ")
    word = first.casefold()
    second = rest.split(" ", 1)[0].casefold()
    if text.endswith("?"):
        question = text
    elif word in AUXILIARIES or (word in WH_WORDS and second in AUXILIARIES):
        question = text + "?"  # already in question order: "How does X work"
    elif word in CONDITION_WORDS:
        question = f"What happens {_lower_first(text)}?"
    elif word in WH_WORDS:
        question = f"Can you explain {_lower_first(text)}?"  # "How factbot caches answers"
    elif word in IMPERATIVES:
        question = f"How do I {_lower_first(text)}?"
    else:
        lowered = _lower_first(text) if is_common_word(word) else text
        question = f"What should I know about {lowered}?"
    return question if len(question) <= MAX_FOLLOW_UP_CHARS else None


def pick_follow_ups(
    headings: Iterable[str],
    *,
    asked: Iterable[str],
    is_common_word: Callable[[str], bool],
    limit: int,
) -> list[str]:
    """Up to `limit` distinct questions from the headings, in order, skipping any that only
    repeat what was asked (their terms are all among the `asked` texts' terms)."""
    covered: list[frozenset[str]] = [frozenset(terms(text)) for text in asked]
    picked: list[str] = []
    seen: list[frozenset[str]] = []
    for heading in headings:
        if len(picked) >= limit:
            break
        topic = frozenset(terms(clean_heading(heading)))
        if not topic or any(topic <= done for done in covered) or topic in seen:
            continue
        question = as_question(heading, is_common_word=is_common_word)
        if question is None:
            continue
        seen.append(topic)
        picked.append(question)
    return picked

"""Checking a question and normalising it into a cache key."""

from __future__ import annotations

import hashlib
import re
import unicodedata

from answers.errors import EmptyQuestion, QuestionTooLong, QuestionWithoutWords

MAX_QUESTION_CHARS = 1000

_PUNCTUATION = re.compile(r"[^\w\s]+", re.UNICODE)
_SPACE = re.compile(r"\s+", re.UNICODE)


# Control characters (C0, DEL, C1) go, so they never reach titles, logs or terminals: tabs and
# line breaks stay, the other separators become a space, the rest (NUL, BEL, ESC...) are dropped.
_CONTROL_TABLE: dict[int, str | None] = {
    code: " " if chr(code).isspace() else None
    for code in (*range(0x00, 0x20), *range(0x7F, 0xA0))
    if chr(code) not in "\t\n\r"
}


def check_question(question: str, *, limit: int = MAX_QUESTION_CHARS) -> str:
    """The question trimmed and without control characters, or a `QuestionError` saying why it
    cannot be asked. A question with no letters or digits ("???", "🙂") is refused like an empty
    one (`QuestionWithoutWords`): there is nothing to search for, and its cache key would be
    everyone else's."""
    text = question.translate(_CONTROL_TABLE).strip()
    visible = text if text.isascii() else _without_format_characters(text)  # ASCII has none
    if not visible.strip():
        raise EmptyQuestion()  # nothing, or only invisible format characters
    if len(text) > limit:
        raise QuestionTooLong(len(text), limit)
    if not normalise_question(text):
        raise QuestionWithoutWords()
    return text


def _without_format_characters(text: str) -> str:
    return "".join(ch for ch in text if unicodedata.category(ch) != "Cf")


def normalise_question(question: str) -> str:
    """One form for the questions that mean the same words.

    NFKC (full-width and ligature forms), case folding, punctuation (a trailing
    `?` included) and runs of white space all collapse, so "How does  factbot
    CACHE answers?" and "how does factbot cache answers" share a key.
    """
    text = unicodedata.normalize("NFKC", question).casefold()
    text = _PUNCTUATION.sub(" ", text).replace("_", " ")
    return _SPACE.sub(" ", text).strip()


# Mentions people type around a question (who is asked, never what): Slack's and Discord's raw
# forms (<@U123|ana>, <!channel>, <#C1|general>, <@&42>) and the broadcast words.
_MENTIONS = re.compile(r"<[@#!][^<>]*>|(?<![\w@])@(?:everyone|here|channel)\b", re.IGNORECASE)


def without_mentions(question: str) -> str:
    """The question without platform mentions and broadcasts (`<@U123>`, `<!channel>`,
    `@everyone`, `@here`), which say who is asked and are never searched for; any other
    `@name` stays (`@property` is a topic)."""
    return _SPACE.sub(" ", _MENTIONS.sub(" ", question)).strip()


def question_hash(normalised: str, *, namespace: str) -> str:
    """The hash behind `q:` and `lock:` keys: the backend's namespace and the question."""
    return hashlib.sha256(f"{namespace}\n{normalised}".encode()).hexdigest()[:32]

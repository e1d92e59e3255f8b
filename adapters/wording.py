"""The words people see when something is not an answer: errors and usage, once for every adapter.

Every error names its sentence by a key (`FactbotError.wording`, see
`answers.errors`); `WORDS` holds one sentence per key, formatted with the
error itself (`{exc.limit:,}`), so adding an error adds one line here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from answers import Answer, FactbotError, FeedbackTally, Vote, classify
from answers.channels import ChannelSettings

EXAMPLE_QUESTION = "How does factbot cache answers?"

RESTARTING = (
    "I'm restarting right now, so I can't take new questions. Please ask again in a minute."
)

WORDS: Mapping[str, str] = {
    "empty_question": "That question is empty. Ask me something, e.g. “{example}”",
    "question_without_words": (
        "I can only research words, and that question has none (only symbols or emoji). "
        "Ask me something, e.g. “{example}”"
    ),
    "question_too_long": (
        "That question is {exc.length:,} characters long; I can take up to {exc.limit:,}. "
        "Could you shorten it?"
    ),
    "rate_limited": (
        "You've asked a lot of questions in a short time. Try again in {exc.retry_seconds} s."
    ),
    "restarting": RESTARTING,
    "channel_disabled": (
        "I'm turned off in this channel by an admin. Ask me in another channel or a direct message."
    ),
    "answer_not_found": (
        "I can't find that answer: it has expired or never existed. "
        "Ask the question again to get a fresh report."
    ),
    "store_unavailable": "I can't reach my storage just now. Please try again in a moment.",
    "research_failed": "Sorry, I couldn't research that question just now. Please try again.",
    FactbotError.wording: "Sorry, something went wrong on my side. Please try again.",
}

NO_TEXT_TO_CHECK = "That message has no text I can fact-check."


def describe_error(exc: BaseException) -> str:
    """One friendly sentence for any error an adapter may meet."""
    error = classify(exc)
    words = WORDS.get(error.wording, WORDS[FactbotError.wording])
    return words.format(exc=error, example=EXAMPLE_QUESTION)


def usage(how_to_ask: str) -> str:
    """A short usage reply; `how_to_ask` is the platform's way, e.g. "@factbot QUESTION"."""
    return (
        "Ask me a question and I'll answer with a short, sourced fact-check report. "
        f"Try: {how_to_ask.replace('QUESTION', EXAMPLE_QUESTION)}"
    )


def thanks_for_vote(vote: Vote, tally: FeedbackTally) -> str:
    """The reply to a 👍/👎 click, with the counts so far."""
    said = "helpful" if vote == "up" else "not helpful"
    return f"Thanks: recorded as {said}. So far 👍 {tally.up} · 👎 {tally.down}."


def describe_settings(
    settings: ChannelSettings,
    *,
    where: str,
    backends: Sequence[str] = (),
    default_backend: str | None = None,
) -> list[str]:
    """The settings that apply `where` ("this channel", "this workspace"), one line each; the
    backend line only when a channel may choose (`backends`)."""
    lines = [
        f"factbot in {where}:",
        f"• Answers questions: {_on(settings.enabled)}",
        f"• Answers every message that ends with “?”: {_on(settings.every_question)}",
        f"• Replies: {'private' if settings.private else 'public'} by default",
    ]
    if backends:
        if settings.backend in backends:
            chosen = str(settings.backend)
        else:
            chosen = f"{default_backend} (the default)" if default_backend else "the default"
        lines.append(f"• Answers from: {chosen}; one of {', '.join(backends)}")
    return lines


def _on(value: bool) -> str:
    return "on" if value else "off"


def answering_line(answer: Answer) -> str | None:
    """ "Answering: …" for a follow-up: the question as factbot understood it on its own."""
    if answer.understood is None:
        return None
    return f"Answering: {answer.understood.text}"

"""The words people see when something is not an answer: errors and usage, once for every adapter."""

from __future__ import annotations

import math

from answers import (
    AnswerNotFound,
    EmptyQuestion,
    FeedbackTally,
    QuestionTooLong,
    RateLimited,
    ResearchFailed,
    StoreUnavailable,
    Vote,
)

EXAMPLE_QUESTION = "How does factbot cache answers?"


def usage(how_to_ask: str) -> str:
    """A short usage reply; `how_to_ask` is the platform's way, e.g. "@factbot QUESTION"."""
    return (
        "Ask me a question and I'll answer with a short, sourced fact-check report. "
        f"Try: {how_to_ask.replace('QUESTION', EXAMPLE_QUESTION)}"
    )


def describe_error(exc: BaseException) -> str:
    """One friendly sentence for any error an adapter may meet."""
    if isinstance(exc, EmptyQuestion):
        return "That question is empty. Ask me something, e.g. “" + EXAMPLE_QUESTION + "”"
    if isinstance(exc, QuestionTooLong):
        return (
            f"That question is {exc.length:,} characters long; I can take up to "
            f"{exc.limit:,}. Could you shorten it?"
        )
    if isinstance(exc, RateLimited):
        seconds = max(1, math.ceil(exc.retry_after))
        return f"You've asked a lot of questions in a short time. Try again in {seconds} s."
    if isinstance(exc, AnswerNotFound):
        return "That answer has expired. Ask the question again to get a fresh report."
    if isinstance(exc, StoreUnavailable):
        return "I can't reach my storage just now. Please try again in a moment."
    if isinstance(exc, ResearchFailed):
        return "Sorry, I couldn't research that question just now. Please try again."
    return "Sorry, something went wrong on my side. Please try again."


NO_TEXT_TO_CHECK = "That message has no text I can fact-check."

RESTARTING = (
    "I'm restarting right now, so I can't take new questions. Please ask again in a minute."
)


def thanks_for_vote(vote: Vote, tally: FeedbackTally) -> str:
    """The reply to a 👍/👎 click, with the counts so far."""
    said = "helpful" if vote == "up" else "not helpful"
    return f"Thanks: recorded as {said}. So far 👍 {tally.up} · 👎 {tally.down}."

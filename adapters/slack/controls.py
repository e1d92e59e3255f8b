"""The buttons on factbot's Slack messages: their action ids and what their values carry.

A button's value is all a click brings back, so each one names the stored
answer (by id) and whatever view state the next message needs. Decoders
raise `ValueError` on a value factbot did not make.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from answers import Vote

__all__ = [
    "FEEDBACK",
    "FOLLOW_UP",
    "FOLLOW_UP_PATTERN",
    "REFRESH",
    "SECTION",
    "SECTION_PATTERN",
    "TRY_AGAIN",
    "FollowUpRef",
    "ReportView",
    "RetryRequest",
    "decode_vote",
    "encode_vote",
    "is_user_id",
]

FOLLOW_UP = "followup-{index}"
FOLLOW_UP_PATTERN = re.compile(r"^followup-\d+$")
SECTION = "section-{index}"
SECTION_PATTERN = re.compile(r"^section-\d+$")
REFRESH = "refresh"
FEEDBACK = "feedback"
TRY_AGAIN = "try-again"

_ANSWER_ID = re.compile(r"^[0-9a-f]{16}$")
_USER_ID = re.compile(r"^[UW][A-Z0-9]{1,30}$")
_THREAD = re.compile(r"^[CDG][A-Z0-9]{1,30}:[0-9]{1,12}\.[0-9]{1,8}$")  # channel:thread_ts


def _answer_id(value: str) -> str:
    if not _ANSWER_ID.match(value):
        raise ValueError(f"not an answer id: {value[:40]!r}")
    return value


@dataclass(frozen=True)
class FollowUpRef:
    """Follow-up `index` (0-based) of answer `answer_id`."""

    answer_id: str
    index: int

    def encode(self) -> str:
        return f"{self.answer_id}:{self.index}"

    @classmethod
    def decode(cls, value: str) -> FollowUpRef:
        answer_id, _, index = value.partition(":")
        if not index.isdigit():
            raise ValueError(f"not a follow-up reference: {value[:40]!r}")
        return cls(_answer_id(answer_id), int(index))


@dataclass(frozen=True)
class ReportView:
    """What a report message shows beyond the answer: open sections (buttons mode) and who asked."""

    answer_id: str
    open_sections: frozenset[int] = frozenset()
    asked_by: str | None = None

    def encode(self) -> str:
        opened = ",".join(str(i) for i in sorted(self.open_sections))
        return f"{self.answer_id}:{opened}:{self.asked_by or ''}"

    @classmethod
    def decode(cls, value: str) -> ReportView:
        parts = value.split(":")
        if len(parts) != 3:
            raise ValueError(f"not a report view: {value[:40]!r}")
        answer_id, opened, asked_by = parts
        if opened and not all(p.isdigit() for p in opened.split(",")):
            raise ValueError(f"not a report view: {value[:40]!r}")
        if asked_by and not _USER_ID.match(asked_by):
            raise ValueError(f"not a user id: {asked_by[:40]!r}")
        return cls(
            _answer_id(answer_id),
            frozenset(int(p) for p in opened.split(",")) if opened else frozenset(),
            asked_by or None,
        )

    def toggled(self, index: int) -> ReportView:
        return ReportView(self.answer_id, self.open_sections ^ {index}, self.asked_by)


@dataclass(frozen=True)
class RetryRequest:
    """A question to ask again after a failure (the "Try again" button), as it was asked: in
    its thread (`thread`, a follow-up) or renewing a stored answer (`renews`, a Refresh)."""

    question: str
    refresh: bool = False
    asked_by: str | None = None
    thread: str | None = None
    renews: str | None = None

    def encode(self) -> str:
        fields: dict[str, object] = {"q": self.question, "r": self.refresh, "by": self.asked_by}
        if self.thread is not None:
            fields["t"] = self.thread
        if self.renews is not None:
            fields["a"] = self.renews
        data = json.dumps(fields, ensure_ascii=False)
        # JSON escapes, so no payload ever carries a raw `<!channel>` (values are text too)
        return data.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")

    @classmethod
    def decode(cls, value: str) -> RetryRequest:
        try:
            data = json.loads(value)
            question, refresh, asked_by = data["q"], data.get("r", False), data.get("by")
            thread, renews = data.get("t"), data.get("a")
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise ValueError(f"not a retry request: {value[:40]!r}") from exc
        if not isinstance(question, str) or not isinstance(refresh, bool):
            raise ValueError(f"not a retry request: {value[:40]!r}")
        if asked_by is not None and not (isinstance(asked_by, str) and _USER_ID.match(asked_by)):
            raise ValueError("not a user id in a retry request")
        if thread is not None and not (isinstance(thread, str) and _THREAD.match(thread)):
            raise ValueError("not a thread in a retry request")
        if renews is not None:
            renews = _answer_id(str(renews))
        return cls(question, refresh, asked_by, thread, renews)


def encode_vote(vote: Vote, answer_id: str) -> str:
    return f"{vote}:{answer_id}"


def decode_vote(value: str) -> tuple[Vote, str]:
    vote, _, answer_id = value.partition(":")
    if vote == "up":
        return "up", _answer_id(answer_id)
    if vote == "down":
        return "down", _answer_id(answer_id)
    raise ValueError(f"not a vote: {value[:40]!r}")


def is_user_id(value: str | None) -> bool:
    """A Slack user id (safe to draw as a `<@...>` mention)."""
    return bool(value) and bool(_USER_ID.match(value or ""))

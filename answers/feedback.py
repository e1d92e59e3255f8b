"""👍/👎 on answers: the one owner of `feedback:` keys. One vote per person, the last counts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Literal

from answers.cache import DEFAULT_RETENTION
from answers.store import Store

Vote = Literal["up", "down"]


def feedback_key(answer_id: str) -> str:
    return f"feedback:{answer_id}"


@dataclass(frozen=True)
class FeedbackTally:
    up: int
    down: int


@dataclass
class FeedbackStore:
    """Votes per answer, kept as long as the answer; raises `StoreUnavailable`."""

    store: Store
    retention: timedelta = DEFAULT_RETENTION

    async def vote(self, answer_id: str, voter: str, vote: Vote) -> FeedbackTally:
        await self.store.hset(
            feedback_key(answer_id), voter, vote, ttl=self.retention.total_seconds()
        )
        return await self.tally(answer_id)

    async def tally(self, answer_id: str) -> FeedbackTally:
        votes = await self.store.hgetall(feedback_key(answer_id))
        ups = sum(1 for v in votes.values() if v == "up")
        return FeedbackTally(up=ups, down=len(votes) - ups)

    async def votes(self, answer_id: str) -> dict[str, Vote]:
        raw = await self.store.hgetall(feedback_key(answer_id))
        return {voter: ("up" if v == "up" else "down") for voter, v in raw.items()}

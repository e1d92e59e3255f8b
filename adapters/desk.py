"""What every adapter does the same way, done once: the front desk between a platform and the engine.

An adapter translates its platform's event into a call here (ask, follow-up n
of answer X, vote, refresh) and renders what comes back. Dropping a repeated
event, the per-person rate limit, finding an answer for a button and
recording feedback live here, not in the adapters.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from adapters.background import BackgroundTasks
from answers import (
    Answer,
    AnswerEngine,
    AnswerNotFound,
    AskOutcome,
    EventDedupe,
    FeedbackStore,
    FeedbackTally,
    ProgressCallback,
    RateLimiter,
    Store,
    Vote,
)
from answers.cache import DEFAULT_RETENTION
from answers.question import check_question
from answers.ratelimit import DEFAULT_PER_MINUTE

log = logging.getLogger(__name__)

AskObserver = Callable[[str, AskOutcome], None]
ErrorObserver = Callable[[str, BaseException], None]


@dataclass
class QuestionDesk:
    engine: AnswerEngine
    limiter: RateLimiter
    dedupe: EventDedupe
    feedback: FeedbackStore
    tasks: BackgroundTasks = field(
        default_factory=BackgroundTasks
    )  # answers under way, all adapters
    on_answer: list[AskObserver] = field(default_factory=list)
    on_error: list[ErrorObserver] = field(default_factory=list)

    @classmethod
    def over(
        cls,
        engine: AnswerEngine,
        store: Store,
        *,
        per_minute: int = DEFAULT_PER_MINUTE,
        retention: timedelta = DEFAULT_RETENTION,
    ) -> QuestionDesk:
        """A desk whose dedupe, rate limits and feedback all live in `store`."""
        return cls(
            engine=engine,
            limiter=RateLimiter(store, per_window=per_minute),
            dedupe=EventDedupe(store),
            feedback=FeedbackStore(store, retention=retention),
        )

    async def first_time(self, platform: str, event_id: str) -> bool:
        """False when the platform delivers an event it already delivered (a retry)."""
        return await self.dedupe.first_time(platform, event_id)

    async def ask(
        self,
        platform: str,
        user: str,
        question: str,
        *,
        refresh: bool = False,
        progress: ProgressCallback | None = None,
    ) -> AskOutcome:
        """Research (or fetch) an answer for a person; raises `QuestionError`, `RateLimited`,
        `ResearchFailed`."""
        try:
            self.check(question)
            await self.limiter.check(platform, user)
            outcome = await self.engine.ask_traced(question, refresh=refresh, progress=progress)
        except Exception as exc:
            for observe_error in self.on_error:
                observe_error(platform, exc)
            raise
        log.info(
            "answered",
            extra={
                "platform": platform,
                "answer_id": outcome.answer.id,
                "cache": outcome.cache,
                "seconds": round(outcome.seconds, 3),
                "timings": outcome.timings,
            },
        )
        for observe in self.on_answer:
            observe(platform, outcome)
        return outcome

    def check(self, question: str) -> str:
        """The question as it will be researched; raises `QuestionError` when it is empty (no
        word in it either) or too long, before any rate limit or research."""
        return check_question(question, limit=self.engine.max_question_chars)

    async def answer(self, answer_id: str) -> Answer:
        """A stored answer for a button; raises `AnswerNotFound`."""
        return await self.engine.get(answer_id)

    async def follow_up(self, answer_id: str, index: int) -> str:
        """The text of follow-up `index` (0-based) of a stored answer."""
        answer = await self.engine.get(answer_id)
        if not 0 <= index < len(answer.follow_ups):
            raise AnswerNotFound(f"{answer_id}#{index}")
        return answer.follow_ups[index]

    async def vote(self, answer_id: str, user: str, vote: Vote) -> FeedbackTally:
        """Record a person's 👍/👎 (their last vote counts); raises `StoreUnavailable`."""
        return await self.feedback.vote(answer_id, user, vote)

    def is_stale(self, answer: Answer) -> bool:
        return self.engine.is_stale(answer)

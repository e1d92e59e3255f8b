"""What every adapter does the same way, done once: the front desk between a platform and the engine.

An adapter translates its platform's event into a call here (ask, follow-up n
of answer X, vote, refresh) and renders what comes back. Dropping a repeated
event, the per-person rate limit, finding an answer for a button and
recording feedback live here, not in the adapters, and so do the click rules
every platform keeps alike:

- a button on an answer no longer stored raises `AnswerNotFound` (its words:
  "that answer has expired"), votes included: nothing is recorded for it;
- an expired follow-up button asks the question its label shows, when the
  label shows it whole (not cut with "…");
- once shutdown begins (`stop_accepting`), every adapter refuses new
  questions with the same words (`refusal`, or `ShuttingDown` from `ask`);
  answers under way go on.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from adapters.background import BackgroundTasks
from adapters.text import ELLIPSIS
from adapters.wording import describe_error, usage
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
    ShuttingDown,
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
    accepting: bool = True  # one flag for every adapter: False once shutdown began

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

    # --- taking questions ------------------------------------------------------------

    def stop_accepting(self) -> None:
        """New questions get "restarting" on every adapter; answers under way go on."""
        self.accepting = False

    async def drain(self, grace: float) -> bool:
        """Stop accepting, then wait up to `grace` seconds for the answers under way (cancelling
        the rest). True if all finished."""
        self.stop_accepting()
        return await self.tasks.drain(grace)

    def admit(self) -> None:
        """Raise `ShuttingDown` once the desk stopped accepting questions."""
        if not self.accepting:
            raise ShuttingDown()

    def refusal(self, question: str, *, how_to_ask: str) -> str | None:
        """The words a person gets instead of an answer, or None to go ahead: how to ask when
        nothing was asked (`how_to_ask` as for `wording.usage`), "restarting" once shutdown
        began."""
        if not question.strip():
            return usage(how_to_ask)
        if not self.accepting:
            return describe_error(ShuttingDown())
        return None

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
        `ResearchFailed`; `ShuttingDown` once the desk stopped accepting."""
        try:
            self.admit()
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

    # --- clicks ----------------------------------------------------------------------

    async def answer(self, answer_id: str) -> Answer:
        """A stored answer for a button; raises `AnswerNotFound`."""
        return await self.engine.get(answer_id)

    async def follow_up(self, answer_id: str, index: int, *, label: str | None = None) -> str:
        """The text of follow-up `index` (0-based) of a stored answer; when the answer has left
        the store, the button's `label` if it shows the question whole. Raises
        `AnswerNotFound`."""
        try:
            answer = await self.engine.get(answer_id)
            if not 0 <= index < len(answer.follow_ups):
                raise AnswerNotFound(f"{answer_id}#{index}")
        except AnswerNotFound:
            if label is None or not label.strip() or label.endswith(ELLIPSIS):
                raise
            return label  # the button showed the whole question: ask that
        return answer.follow_ups[index]

    async def section(self, answer_id: str, index: int) -> Answer:
        """A stored answer that has section `index` (0-based); raises `AnswerNotFound`."""
        answer = await self.engine.get(answer_id)
        if not 0 <= index < len(answer.sections):
            raise AnswerNotFound(f"{answer_id}#section{index}")
        return answer

    async def vote(self, answer_id: str, user: str, vote: Vote) -> FeedbackTally:
        """Record a person's 👍/👎 on a stored answer (their last vote counts); raises
        `AnswerNotFound` for an answer no longer stored, `StoreUnavailable`."""
        await self.engine.get(answer_id)
        return await self.feedback.vote(answer_id, user, vote)

    def is_stale(self, answer: Answer) -> bool:
        return self.engine.is_stale(answer)

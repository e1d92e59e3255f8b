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

So do a thread's earlier questions (`ask(thread=...)`, `continue_thread`),
and, through `channels` (`adapters.channels.ChannelRules`), whether a channel
takes questions and how.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from adapters.background import BackgroundTasks
from adapters.channels import ChannelRules
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
from answers.channels import DEFAULT_CACHE_TTL, ChannelSettingsStore
from answers.question import check_question
from answers.ratelimit import DEFAULT_PER_MINUTE
from answers.store import StoreUnavailable
from answers.threads import ThreadMemory

log = logging.getLogger(__name__)

AskObserver = Callable[[str, AskOutcome], None]
ErrorObserver = Callable[[str, BaseException], None]

DEFAULT_CHANNEL_PER_MINUTE = 6  # "answer every question" answers per channel per minute


@dataclass
class QuestionDesk:
    engine: AnswerEngine
    limiter: RateLimiter
    dedupe: EventDedupe
    feedback: FeedbackStore
    threads: ThreadMemory
    channels: ChannelRules
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
        channel_per_minute: int = DEFAULT_CHANNEL_PER_MINUTE,
        settings_cache_ttl: float = DEFAULT_CACHE_TTL,
    ) -> QuestionDesk:
        """A desk whose dedupe, rate limits, feedback, settings and threads all live in `store`."""
        return cls(
            engine=engine,
            limiter=RateLimiter(store, per_window=per_minute),
            dedupe=EventDedupe(store),
            feedback=FeedbackStore(store, retention=retention),
            threads=ThreadMemory(store, retention=retention),
            channels=ChannelRules(
                engine,
                ChannelSettingsStore(store, cache_ttl=settings_cache_ttl),
                limiter=RateLimiter(store, per_window=channel_per_minute),
                messages=EventDedupe(store, ttl=retention.total_seconds()),
            ),
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

    async def first_times(self, platform: str, *event_ids: str) -> list[bool]:
        """`first_time` for each id, in one round trip to the store."""
        return await self.dedupe.first_times(platform, *event_ids)

    async def ask(
        self,
        platform: str,
        user: str,
        question: str,
        *,
        refresh: bool = False,
        progress: ProgressCallback | None = None,
        thread: str | None = None,
        is_standalone: bool = False,
        backend: str | None = None,
        answering: Answer | None = None,
    ) -> AskOutcome:
        """Research (or fetch) an answer for a person; raises `QuestionError`, `RateLimited`,
        `ResearchFailed`; `ShuttingDown` once the desk stopped accepting.

        `thread` is the conversation the question continues (the adapter's id for it): its
        earlier questions are the context a follow-up is understood with. A clicked follow-up
        `is_standalone` (written to stand on its own) but still counts as a turn of the thread.
        `answering` is the answer a Refresh renews: asked again as it was understood."""
        try:
            self.admit()
            self.check(question)
            await self.limiter.check(platform, user)
            earlier = await self._earlier(platform, thread) if thread else ()
            outcome = await self.engine.ask_traced(
                question,
                refresh=refresh,
                progress=progress,
                earlier=() if is_standalone else earlier,
                understood=answering.understood if answering is not None else None,
                backend=backend,
            )
            outcome = dataclasses.replace(outcome, earlier=earlier)
        except Exception as exc:
            for observe_error in self.on_error:
                observe_error(platform, exc)
            raise
        # A cache hit is counted by the metrics; a line each would flood a busy API's log.
        log.log(
            logging.DEBUG if outcome.cache == "hit" else logging.INFO,
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

    async def refresh(
        self,
        platform: str,
        user: str,
        answer_id: str,
        *,
        progress: ProgressCallback | None = None,
    ) -> AskOutcome:
        """Research a stored answer's question again, as it was understood and with the backend
        that wrote it; raises as `answer` and `ask` do."""
        answer = await self.answer(answer_id)
        backend = answer.engine.backend
        return await self.ask(
            platform,
            user,
            answer.question,
            refresh=True,
            progress=progress,
            backend=backend if backend in self.engine.backend_names else None,
            answering=answer,
        )

    # --- threads --------------------------------------------------------------------

    async def _earlier(self, platform: str, thread: str) -> tuple[str, ...]:
        try:
            return await self.threads.earlier(platform, thread)
        except StoreUnavailable:
            log.warning("no thread context: the store is unreachable")
            return ()

    async def continue_thread(self, platform: str, thread: str, outcome: AskOutcome) -> None:
        """Make the questions so far (`outcome`'s and the earlier ones) the context of `thread`:
        the conversation a reply to the answer just posted continues. Never raises."""
        try:
            await self.threads.remember(platform, thread, outcome.thread_turns)
        except StoreUnavailable:
            log.warning("could not remember the thread's questions: the store is unreachable")

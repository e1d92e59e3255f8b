"""`AnswerEngine`: a question in, a report out, researched once however many ask.

The steps, in order: check → normalise → cached? → single-flight (in this
process, then across processes through a Redis lock; the cache is read again
once the lock is held) → research, within `research_deadline` → stamp →
store. Redis trouble never stops an answer: the engine goes on without the
cache and uses it again when it is back.

One module on purpose (about 400 lines): the steps are the methods below, in
the order a question meets them, and they hand each other the same lock,
flight and deadline; split apart, one question's path would hop between files.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Literal

from answers.backends.base import Backend
from answers.cache import (
    DEFAULT_FRESHNESS,
    DEFAULT_LOCK_TTL,
    DEFAULT_RETENTION,
    UNCOVERED_FRESHNESS,
    AnswerCache,
)
from answers.errors import AnswerNotFound, ResearchFailed
from answers.model import Answer, Understood
from answers.progress import Progress, ProgressCallback, Stage, report
from answers.question import MAX_QUESTION_CHARS, check_question, normalise_question, question_hash
from answers.standalone import KeyTermsStandalone, StandaloneWriter
from answers.store import Store, StoreUnavailable

__all__ = ["DEFAULT_DISCLAIMER", "AnswerEngine", "AskOutcome"]

log = logging.getLogger(__name__)

DEFAULT_DISCLAIMER = (
    "factbot can be wrong: it quotes the sources below, so check them before relying on a claim."
)
WAIT_POLL_SECONDS = 0.05
DEFAULT_RESEARCH_DEADLINE = 120.0
RECENT_ANSWERS = 512

CacheStatus = Literal["hit", "miss", "shared"]


@dataclass(frozen=True)
class AskOutcome:
    """An answer and how it was obtained: from the cache, researched here, or shared with a
    researcher in this or another process; for a follow-up, how it was understood."""

    answer: Answer
    cache: CacheStatus
    seconds: float
    timings: dict[str, float] = field(default_factory=dict)  # seconds per research stage
    question: str = ""  # as asked (checked)
    understood: Understood | None = None  # a follow-up made to stand on its own
    earlier: tuple[str, ...] = ()  # the thread's questions before this one

    @property
    def thread_turns(self) -> tuple[str, ...]:
        """The thread's questions with this one, as a reply to this answer continues it."""
        this = self.understood.text if self.understood is not None else self.question
        return (*self.earlier, this) if this else self.earlier


@dataclass(frozen=True)
class _Job:
    """One question to research: as asked, its cache key, the backend, how it was understood."""

    text: str
    qhash: str
    backend: Backend
    understood: Understood | None


@dataclass
class _Flight:
    """One research run in this process that later askers join."""

    future: asyncio.Future[AskOutcome]
    listeners: list[ProgressCallback] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    _stage: tuple[str, float] | None = None

    async def progress(self, event: Progress) -> None:
        now = time.perf_counter()
        if self._stage is None or self._stage[0] != event.stage:
            if self._stage is not None:
                name, since = self._stage
                self.timings[name] = round(self.timings.get(name, 0.0) + now - since, 4)
            self._stage = (event.stage.value, now)
        for listener in list(self.listeners):
            await report(listener, event)


class AnswerEngine:
    def __init__(
        self,
        backend: Backend,
        store: Store,
        *,
        freshness: timedelta = DEFAULT_FRESHNESS,
        retention: timedelta = DEFAULT_RETENTION,
        lock_ttl: float = DEFAULT_LOCK_TTL,
        research_deadline: float = DEFAULT_RESEARCH_DEADLINE,
        max_question_chars: int = MAX_QUESTION_CHARS,
        disclaimer: str = DEFAULT_DISCLAIMER,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        backends: Mapping[str, Backend] | None = None,
        standalone: StandaloneWriter | None = None,
    ) -> None:
        self.backend = backend  # the default
        # Named backends a question may ask for (a channel's setting); the default among them.
        self.backends: dict[str, Backend] = dict(backends or {})
        self.standalone = standalone if standalone is not None else KeyTermsStandalone()
        self.store = store
        self.cache = AnswerCache(store, freshness=freshness, retention=retention, lock_ttl=lock_ttl)
        self.research_deadline = research_deadline
        # How long to wait for another process's research: its deadline, and its lock's expiry.
        self.max_wait = research_deadline + lock_ttl
        self.max_question_chars = max_question_chars
        self.disclaimer = disclaimer
        self.clock = clock
        self._flights: dict[str, _Flight] = {}
        self._recent: OrderedDict[str, Answer] = OrderedDict()

    @property
    def freshness(self) -> timedelta:
        return self.cache.freshness

    @property
    def in_flight(self) -> int:
        return len(self._flights)

    @property
    def backend_names(self) -> tuple[str, ...]:
        """The backends a question may name (empty when only the default is configured)."""
        return tuple(self.backends)

    async def ask(
        self, question: str, *, refresh: bool = False, progress: ProgressCallback | None = None
    ) -> Answer:
        """The report for `question`; raises `QuestionError` or `ResearchFailed`."""
        return (await self.ask_traced(question, refresh=refresh, progress=progress)).answer

    async def ask_traced(
        self,
        question: str,
        *,
        refresh: bool = False,
        progress: ProgressCallback | None = None,
        earlier: Sequence[str] = (),
        understood: Understood | None = None,
        backend: str | None = None,
    ) -> AskOutcome:
        """The report for `question` and how it was obtained.

        `earlier` are the thread's questions before this one (oldest first): a follow-up is made
        to stand on its own first, and researched and cached as that (`understood`, which may
        also be given, e.g. to refresh a follow-up's answer). `backend` names one of `backends`
        (unknown names get the default)."""
        text = check_question(question, limit=self.max_question_chars)
        earlier = tuple(earlier)
        if understood is None and earlier:
            understood = await self.standalone.standalone(text, earlier)
        outcome = await self._ask(
            text,
            understood,
            self.backends.get(backend or "", self.backend),
            refresh=refresh,
            progress=progress,
        )
        return replace(outcome, question=text, understood=understood, earlier=earlier)

    async def _ask(
        self,
        text: str,
        understood: Understood | None,
        backend: Backend,
        *,
        refresh: bool,
        progress: ProgressCallback | None,
    ) -> AskOutcome:
        started = time.perf_counter()
        key_text = understood.text if understood is not None else text
        qhash = question_hash(
            normalise_question(key_text), namespace=await self._namespace(backend)
        )
        job = _Job(text, qhash, backend, understood)

        if not refresh:
            cached = await self._lookup(qhash)
            if cached is not None:
                return AskOutcome(cached, "hit", time.perf_counter() - started)

        while (flight := self._flights.get(qhash)) is not None:
            if progress is not None:
                flight.listeners.append(progress)
            try:
                outcome = await asyncio.shield(flight.future)
            except asyncio.CancelledError:
                if flight.future.cancelled() and not _is_cancelling():
                    continue  # the researching task was cancelled, not us: take over
                raise
            return AskOutcome(outcome.answer, "shared", time.perf_counter() - started)

        flight = _Flight(asyncio.get_running_loop().create_future())
        if progress is not None:
            flight.listeners.append(progress)
        self._flights[qhash] = flight
        try:
            outcome = await self._research_once(job, refresh=refresh, flight=flight)
        except asyncio.CancelledError:
            flight.future.cancel()
            raise
        except BaseException as exc:
            flight.future.set_exception(exc)
            flight.future.exception()  # mark retrieved: joiners may be none
            raise
        else:
            flight.future.set_result(outcome)
            return AskOutcome(
                outcome.answer, outcome.cache, time.perf_counter() - started, outcome.timings
            )
        finally:
            del self._flights[qhash]

    async def get(self, answer_id: str) -> Answer:
        """A stored answer by id (buttons on old messages); raises `AnswerNotFound`, or
        `StoreUnavailable` while Redis is down (the answer may well exist: never say "expired")."""
        answer = self._recent.get(answer_id)
        if answer is not None:
            return answer
        answer = await self.cache.load(answer_id)
        if answer is None:
            raise AnswerNotFound(answer_id)
        self._remember(answer)
        return answer

    def is_stale(self, answer: Answer) -> bool:
        return answer.is_stale(self.clock(), self.freshness)

    async def aclose(self) -> None:
        backends = {id(b): b for b in (self.backend, *self.backends.values())}
        for backend in backends.values():
            await backend.aclose()

    # --- steps -------------------------------------------------------------------

    async def _namespace(self, backend: Backend) -> str:
        """The backend's cache namespace, once it is ready; a backend that cannot say (its
        corpus index cannot be opened) fails the question like failed research, not as an
        internal error."""
        ready = getattr(backend, "ready", None)  # optional (see Backend)
        try:
            if ready is not None:
                await ready()
            return backend.cache_namespace
        except Exception as exc:
            log.warning("the backend is not ready: %s", exc, exc_info=True)
            raise ResearchFailed(f"the backend is not ready: {exc}") from exc

    async def _lookup(self, qhash: str) -> Answer | None:
        try:
            return await self._cached(qhash)
        except StoreUnavailable:
            return None

    async def _cached(self, qhash: str) -> Answer | None:
        """The cached answer (raises `StoreUnavailable`); one this process decoded is reused."""
        answer = await self.cache.lookup(qhash, known=self._recent)
        if answer is not None:
            self._remember(answer)
        return answer

    async def _research_once(self, job: _Job, *, refresh: bool, flight: _Flight) -> AskOutcome:
        """Take the cross-process lock and research, or wait for whoever holds it."""
        qhash = job.qhash
        token = secrets.token_hex(16).encode()
        waited_since: float | None = None
        while True:
            try:
                is_holder = await self.cache.acquire(qhash, token)
            except StoreUnavailable:
                return await self._research(job, flight=flight, token=None)
            if is_holder:
                if not refresh:
                    # Another process may have stored its answer and let go of the lock since
                    # this one looked: look again now that nobody else can be researching.
                    shared = await self._lookup(qhash)
                    if shared is not None:
                        await self._release(qhash, token)
                        return AskOutcome(shared, "shared", 0.0)
                return await self._research(job, flight=flight, token=token)
            if waited_since is None:
                waited_since = time.monotonic()
                await flight.progress(Progress(Stage.WAITING))
            shared = await self._wait_for_holder(qhash, refresh=refresh, since=waited_since)
            if shared is not None:
                return AskOutcome(shared, "shared", 0.0)
            if time.monotonic() - waited_since >= self.max_wait:
                # The holder is alive but stuck: answer this person without the lock.
                return await self._research(job, flight=flight, token=None)

    async def _wait_for_holder(self, qhash: str, *, refresh: bool, since: float) -> Answer | None:
        """Poll until the holder stores an answer (returned) or lets the lock go (None)."""
        while time.monotonic() - since < self.max_wait:
            await asyncio.sleep(WAIT_POLL_SECONDS)
            try:
                if not refresh:
                    answer = await self._cached(qhash)
                    if answer is not None:
                        return answer
                if not await self.cache.is_locked(qhash):
                    return await self._cached(qhash) if refresh else None
            except StoreUnavailable:
                return None
        log.warning("gave up waiting for another process researching %s", qhash)
        return None

    async def _research(self, job: _Job, *, flight: _Flight, token: bytes | None) -> AskOutcome:
        started = time.perf_counter()
        text, qhash = job.text, job.qhash
        heartbeat = asyncio.create_task(self._keep_lock(qhash, token)) if token else None
        try:
            deadline = asyncio.timeout(self.research_deadline)
            try:
                understood = job.understood
                async with deadline:
                    draft = await job.backend.research(
                        understood.question if understood is not None else text,
                        progress=flight.progress,
                        extra_terms=understood.terms if understood is not None else (),
                    )
                answer = draft.finalize(
                    question=text,
                    question_key=qhash,
                    checked_on=self.clock(),
                    disclaimer=self.disclaimer,
                    understood=understood,
                )
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                if deadline.expired():
                    log.warning(
                        "research for %r passed its %g s deadline",
                        text[:80],
                        self.research_deadline,
                    )
                    raise ResearchFailed(
                        f"research took longer than {self.research_deadline:g} s"
                    ) from exc
                log.warning("research failed for %r: %s", text[:80], exc, exc_info=True)
                raise ResearchFailed(f"research failed: {exc}") from exc
            self._remember(answer)
            freshness = draft.freshness
            if not answer.sources:
                freshness = min(freshness or UNCOVERED_FRESHNESS, UNCOVERED_FRESHNESS)
            with contextlib.suppress(StoreUnavailable):
                await self.cache.save(qhash, answer, freshness=freshness)
        finally:
            if heartbeat is not None:
                heartbeat.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await heartbeat
            if token is not None:
                await self._release(qhash, token)
        await flight.progress(Progress(Stage.DONE))
        return AskOutcome(answer, "miss", time.perf_counter() - started, dict(flight.timings))

    async def _keep_lock(self, qhash: str, token: bytes) -> None:
        interval = self.cache.lock_ttl / 3
        while True:
            await asyncio.sleep(interval)
            with contextlib.suppress(StoreUnavailable):
                await self.cache.renew(qhash, token)

    async def _release(self, qhash: str, token: bytes) -> None:
        with contextlib.suppress(StoreUnavailable):
            await self.cache.release(qhash, token)

    def _remember(self, answer: Answer) -> None:
        self._recent[answer.id] = answer
        self._recent.move_to_end(answer.id)
        while len(self._recent) > RECENT_ANSWERS:
            self._recent.popitem(last=False)


def _is_cancelling() -> bool:
    task = asyncio.current_task()
    return task is not None and task.cancelling() > 0

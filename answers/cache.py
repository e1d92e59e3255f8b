"""The answer cache: the one owner of the `q:`, `a:` and `lock:` key families.

q:<question hash>  -> answer id          TTL = freshness (default 24 h)
a:<answer id>      -> zlib-compressed JSON  TTL = retention (default 30 days)
lock:<question hash> -> holder token      TTL = lock_ttl, renewed while researching
"""

from __future__ import annotations

import logging
import zlib
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta

from answers.model import Answer
from answers.store import Store

log = logging.getLogger(__name__)

DEFAULT_FRESHNESS = timedelta(hours=24)
DEFAULT_RETENTION = timedelta(days=30)
DEFAULT_LOCK_TTL = 30.0
LAST_IDS = 4096
# A report whose sources cover nothing is researched again sooner: the sources may catch up.
UNCOVERED_FRESHNESS = timedelta(minutes=10)


def question_key(question_hash: str) -> str:
    return f"q:{question_hash}"


ANSWER_PREFIX = "a:"


def answer_key(answer_id: str) -> str:
    return f"{ANSWER_PREFIX}{answer_id}"


def lock_key(question_hash: str) -> str:
    return f"lock:{question_hash}"


def pack_answer(answer: Answer) -> bytes:
    return zlib.compress(answer.to_json().encode(), 6)


def unpack_answer(data: bytes) -> Answer | None:
    """The stored answer, or None for a value that is not one (damaged, or from an older
    schema): a miss to research again, never an error on every ask of that question."""
    try:
        return Answer.from_json(zlib.decompress(data))
    except (zlib.error, ValueError) as exc:  # pydantic's ValidationError is a ValueError
        log.warning("ignoring an unreadable cached answer (%s)", type(exc).__name__)
        return None


@dataclass
class AnswerCache:
    """Answers by question and by id, plus the single-flight lock. Raises `StoreUnavailable`."""

    store: Store
    freshness: timedelta = DEFAULT_FRESHNESS
    retention: timedelta = DEFAULT_RETENTION
    lock_ttl: float = DEFAULT_LOCK_TTL
    # question hash -> the answer id last found for it (so `lookup` can skip what it decoded)
    _last_ids: OrderedDict[str, str] = field(default_factory=OrderedDict, repr=False)

    async def answer_id_for(self, question_hash: str) -> str | None:
        raw = await self.store.get(question_key(question_hash))
        return raw.decode() if raw else None

    async def load(self, answer_id: str) -> Answer | None:
        raw = await self.store.get(answer_key(answer_id))
        return unpack_answer(raw) if raw else None

    async def lookup(
        self, question_hash: str, *, known: Mapping[str, Answer] | None = None
    ) -> Answer | None:
        """The fresh answer to a question, if one is cached. `known` holds answers this process
        already decoded, by id: when the question still points at the one it last found, a GET
        of the pointer is all it takes; otherwise the pointer and its answer come in one round
        trip (a second only when a known pointer changed)."""
        likely = known.get(self._last_ids.get(question_hash, "")) if known else None
        if likely is not None:
            pointer = await self.store.get(question_key(question_hash))
            if pointer is None:
                return None
            answer_id = pointer.decode()
            if answer_id == likely.id:
                return likely
            answer = await self.load(answer_id)  # researched again since: the new answer
        else:
            found = await self.store.get_via(question_key(question_hash), prefix=ANSWER_PREFIX)
            answer = unpack_answer(found[1]) if found is not None and found[1] else None
        if answer is not None:
            self._note(question_hash, answer.id)
        return answer

    def _note(self, question_hash: str, answer_id: str) -> None:
        self._last_ids[question_hash] = answer_id
        self._last_ids.move_to_end(question_hash)
        while len(self._last_ids) > LAST_IDS:
            self._last_ids.popitem(last=False)

    async def save(
        self, question_hash: str, answer: Answer, *, freshness: timedelta | None = None
    ) -> None:
        """Store `answer`; `freshness` shortens (never lengthens) how long the question maps to it."""
        fresh_for = min(freshness, self.freshness) if freshness else self.freshness
        # The answer first, so a `q:` entry never points at nothing.
        await self.store.set(
            answer_key(answer.id), pack_answer(answer), ttl=self.retention.total_seconds()
        )
        await self.store.set(
            question_key(question_hash), answer.id.encode(), ttl=fresh_for.total_seconds()
        )
        self._note(question_hash, answer.id)

    async def acquire(self, question_hash: str, token: bytes) -> bool:
        return await self.store.set(
            lock_key(question_hash), token, ttl=self.lock_ttl, only_new=True
        )

    async def renew(self, question_hash: str, token: bytes) -> bool:
        return await self.store.extend(lock_key(question_hash), ttl=self.lock_ttl, if_value=token)

    async def is_locked(self, question_hash: str) -> bool:
        return await self.store.get(lock_key(question_hash)) is not None

    async def release(self, question_hash: str, token: bytes) -> None:
        await self.store.delete(lock_key(question_hash), if_value=token)

"""What a thread asked before: the one owner of the `thread:` key family.

A follow-up in a thread (a mention in a Slack thread, a reply to a factbot
report on Discord, a message in a DM thread, a clicked follow-up button) is
answered with the thread's earlier questions as context. Each thread keeps
its last few questions, as understood (`Understood.text`, or as asked when
they stood on their own), in one Redis value that lives as long as answers
do (the retention), so every replica sees the same thread.

    thread:<platform>:<hash of the conversation id> -> JSON list of questions

The conversation id is the adapter's: for Slack the team, channel and thread
timestamp, for Discord the id of the report message a reply continues.
Two turns written at the same instant in one thread may lose one of them:
the context is a help for the next question, never a record.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from answers.cache import DEFAULT_RETENTION
from answers.store import Store

__all__ = ["MAX_TURNS", "ThreadMemory", "thread_key"]

log = logging.getLogger(__name__)

MAX_TURNS = 6  # earlier questions a thread keeps; a follow-up rarely refers further back
MAX_TURN_CHARS = 1200  # a question (and the words it was understood with) is cut to this


def thread_key(platform: str, conversation: str) -> str:
    digest = hashlib.sha256(conversation.encode()).hexdigest()[:32]
    return f"thread:{platform}:{digest}"


@dataclass
class ThreadMemory:
    """The earlier questions of each thread; raises `StoreUnavailable` when the store is down."""

    store: Store
    retention: timedelta = DEFAULT_RETENTION
    max_turns: int = MAX_TURNS

    async def earlier(self, platform: str, conversation: str) -> tuple[str, ...]:
        """The thread's questions so far, oldest first (empty for a new thread)."""
        raw = await self.store.get(thread_key(platform, conversation))
        if raw is None:
            return ()
        try:
            turns = json.loads(raw)
        except ValueError:
            turns = None
        if not isinstance(turns, list) or not all(isinstance(t, str) for t in turns):
            log.warning("ignoring an unreadable thread context in %s", platform)
            return ()
        return tuple(turns[-self.max_turns :])

    async def remember(self, platform: str, conversation: str, turns: Sequence[str]) -> None:
        """Make `turns` (oldest first) the thread's questions; only the last few are kept."""
        kept = [t[:MAX_TURN_CHARS] for t in turns if t.strip()][-self.max_turns :]
        if not kept:
            return
        await self.store.set(
            thread_key(platform, conversation),
            json.dumps(kept, ensure_ascii=False).encode(),
            ttl=self.retention.total_seconds(),
        )

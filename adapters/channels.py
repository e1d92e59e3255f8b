"""Whether a channel takes questions, and how: the per-channel rules every adapter keeps alike.

`ChannelRules` is the desk's `channels`: whether a channel takes questions
and how (`admission`, from the per-channel settings in `answers.channels`),
which messages "answer every question" mode answers (`every_question`), one
answer per message however many people react (`claim_message`), and showing
or changing the settings. Who may change them is the platform's question;
the adapters ask it before `change_settings`.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from adapters.wording import describe_error, describe_settings
from answers import AnswerEngine, EventDedupe, RateLimiter
from answers.channels import ChannelScope, ChannelSettings, ChannelSettingsStore, SettingName
from answers.errors import ChannelDisabled, QuestionError, RateLimited
from answers.question import check_question

__all__ = ["REFUSED", "Admission", "ChannelRules", "Trigger"]

log = logging.getLogger(__name__)


class Trigger(StrEnum):
    """How a question reached factbot; a disabled channel answers the explicit ones with a notice
    and the passive ones (a reaction, a `?` message) with silence."""

    COMMAND = "command"  # a slash command, shortcut or context menu
    MENTION = "mention"  # a mention, or a reply that continues a report
    CLICK = "click"  # a button on a report
    REACTION = "reaction"
    EVERY_QUESTION = "every_question"


_PASSIVE = frozenset({Trigger.REACTION, Trigger.EVERY_QUESTION})


@dataclass(frozen=True)
class Admission:
    """Whether to answer here, and how (`private` default, `backend`); `notice` tells an explicit
    asker why not (None: say nothing)."""

    is_admitted: bool
    notice: str | None = None
    private: bool = False
    backend: str | None = None

    def require(self) -> None:
        """Raise `ChannelDisabled` unless admitted (for paths that report errors by raising)."""
        if not self.is_admitted:
            raise ChannelDisabled()


REFUSED = Admission(False)


@dataclass
class ChannelRules:
    """The per-channel rules over the engine's backends and the store's settings."""

    engine: AnswerEngine
    store: ChannelSettingsStore
    limiter: RateLimiter  # "answer every question" answers, per channel
    messages: EventDedupe  # one answer per message (reactions, `?` messages), kept as answers are

    @property
    def backend_names(self) -> tuple[str, ...]:
        """The backends a channel may choose (empty when only one is configured)."""
        return self.engine.backend_names

    @property
    def default_backend(self) -> str | None:
        """The name of the backend a channel gets unless it chooses (None: only one)."""
        for name, backend in self.engine.backends.items():
            if backend is self.engine.backend:
                return name
        return None

    async def settings(self, scope: ChannelScope) -> ChannelSettings:
        """The settings that apply in a channel (or, with no channel, its workspace)."""
        return await self.store.effective(scope)

    async def values(self, scope: ChannelScope) -> dict[str, str]:
        """The values set on `scope` itself (not inherited)."""
        return await self.store.values(scope)

    async def change_settings(
        self, scope: ChannelScope, changes: Mapping[SettingName, bool | str | None]
    ) -> ChannelSettings:
        """Change settings (None: inherit again); the adapter checked that the person may.
        Raises `ValueError` for a backend that is not configured, `StoreUnavailable`."""
        backend = changes.get("backend")
        if backend is not None and backend not in self.backend_names:
            offered = ", ".join(self.backend_names) or "only one backend is configured"
            raise ValueError(f"no backend named {backend!r} here ({offered})")
        return await self.store.change(scope, changes)

    async def show_or_change(
        self, scope: ChannelScope, changes: Mapping[SettingName, bool | str | None]
    ) -> ChannelSettings:
        """The settings that apply in `scope` once `changes` are made (none: as they are);
        raises as `change_settings` does."""
        if changes:
            return await self.change_settings(scope, changes)
        return await self.settings(scope)

    def describe(self, settings: ChannelSettings, *, where: str) -> list[str]:
        """`settings` as lines of plain text (`wording.describe_settings`), naming the backends
        a channel may choose here."""
        return describe_settings(
            settings, where=where, backends=self.backend_names, default_backend=self.default_backend
        )

    async def admission(self, scope: ChannelScope | None, trigger: Trigger) -> Admission:
        """Whether a question that reached factbot this way is answered in `scope` (None: a DM,
        always answered), privately or not by default, and with which backend."""
        if scope is None:
            return Admission(True)
        settings = await self.store.effective(scope)
        if not settings.enabled:
            notice = None if trigger in _PASSIVE else describe_error(ChannelDisabled())
            return Admission(False, notice=notice)
        if trigger is Trigger.EVERY_QUESTION and not settings.every_question:
            return REFUSED
        backend = settings.backend if settings.backend in self.backend_names else None
        return Admission(True, private=settings.private, backend=backend)

    async def every_question(self, scope: ChannelScope, message: str, text: str) -> Admission:
        """Whether "answer every question" answers this message: the channel has the mode on,
        the text ends with `?`, nobody had it answered yet (`message` is its platform id), and
        the channel is within its rate limit. Anything else is ignored without a word."""
        if not text.rstrip().endswith("?"):
            return REFUSED
        admission = await self.admission(scope, Trigger.EVERY_QUESTION)
        if not admission.is_admitted:
            return REFUSED
        try:
            check_question(text, limit=self.engine.max_question_chars)
        except QuestionError:
            return REFUSED
        if not await self.claim_message(scope.platform, message):
            return REFUSED
        try:
            await self.limiter.check(scope.platform, f"channel:{scope.workspace}:{scope.channel}")
        except RateLimited:
            log.info("a channel's every-question answers are over their rate limit")
            return REFUSED
        return admission

    async def claim_message(self, platform: str, message: str) -> bool:
        """True once per message (its platform id): one answer however many people react."""
        return await self.messages.first_time(platform, f"message-answer:{message}")

"""Saying things back on Discord: small callables, so every path reads `await reply.report(view)`.

`InteractionReply` answers one interaction: it defers at once ("factbot is
thinking…"), edits in progress at most every `progress_interval` seconds,
then puts the report in place, or an error only the asker sees.
`MessageReply` answers a mention or a DM with a reply to the message, under
a typing indicator. Both are a `Reply`: `working()` while the research runs,
`progress`, then `report` or `error`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import discord
from discord import ui

from adapters.discord.markdown import escape
from adapters.discord.render import render_notice
from adapters.discord.section_reader import ReaderPage
from answers import Progress, Stage

log = logging.getLogger(__name__)

PROGRESS_EDIT_SECONDS = 2.0  # Discord rate-limits edits; a progress line every 2 s is plenty


class ProgressThrottle:
    """Lets a progress event through at most once per `interval` seconds, and never `DONE`."""

    def __init__(self, interval: float, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.interval = interval
        self.clock = clock
        self._last = clock()

    def mark(self) -> None:
        self._last = self.clock()

    def is_due(self, event: Progress) -> bool:
        return event.stage is not Stage.DONE and self.clock() - self._last >= self.interval


def is_closed_to_us(exc: discord.HTTPException) -> bool:
    """Discord will take nothing more through this interaction or channel: the token expired
    (404 Unknown Webhook/Interaction) or factbot lacks the permission (403)."""
    return isinstance(exc, discord.NotFound | discord.Forbidden)


class InteractionReply:
    def __init__(
        self,
        interaction: discord.Interaction[Any],
        *,
        private: bool,
        progress_interval: float = PROGRESS_EDIT_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.interaction = interaction
        self.private = private
        self.posted_id: int | None = None  # the public report's message, once it is in place
        self._throttle = ProgressThrottle(progress_interval, clock=clock)
        self._is_finished = False
        self._shows_progress = True
        # Discord refused this interaction for good (expired, forbidden): one warning, then quiet.
        self._is_closed = False
        self._lock = asyncio.Lock()  # a late progress edit must never land over the report

    async def defer(self) -> None:
        await self.interaction.response.defer(thinking=True, ephemeral=self.private)
        self._throttle.mark()

    def working(self) -> contextlib.AbstractAsyncContextManager[None]:
        """Nothing more while the research runs: "factbot is thinking…" and progress edits."""
        return contextlib.nullcontext()

    async def progress(self, event: Progress) -> None:
        """Edit the progress in; never raises (the research goes on whatever Discord says)."""
        if self._is_finished or not self._shows_progress or not self._throttle.is_due(event):
            return
        self._throttle.mark()
        async with self._lock:
            if self._is_finished or self._is_closed:
                return
            notice = render_notice(f"⏳ {escape(event.describe())}")
            try:
                await self.interaction.edit_original_response(view=notice)
            except discord.HTTPException as exc:
                self._shows_progress = False
                if is_closed_to_us(exc):
                    self._close(exc)
                else:
                    log.warning("Discord refused a progress edit; showing no more: %s", exc)

    async def report(self, view: ui.LayoutView) -> None:
        """Put the report in place; raises `discord.HTTPException` when Discord refuses it for
        any reason but a closed interaction (which is logged once)."""
        async with self._lock:
            self._is_finished = True
            if self._is_closed:
                return
            try:
                posted = await self.interaction.edit_original_response(view=view)
            except discord.HTTPException as exc:
                if not is_closed_to_us(exc):
                    raise
                self._close(exc)
            else:
                self.posted_id = None if self.private else posted.id

    async def error(self, text: str) -> None:
        """Tell only the asker: a private reply is edited; a public "thinking…" is swapped for an
        ephemeral message (Discord keeps the first reply's visibility, so it is deleted first)."""
        async with self._lock:
            self._is_finished = True
            if self._is_closed:
                return
            try:
                await self._replace_with_error(text)
            except discord.HTTPException as exc:
                if not is_closed_to_us(exc):
                    raise
                self._close(exc)

    async def _replace_with_error(self, text: str) -> None:
        if not self.private:
            try:
                await self.interaction.delete_original_response()
            except discord.HTTPException as exc:
                if is_closed_to_us(exc):
                    raise
                log.warning("could not delete the thinking message; editing it instead")
            else:
                await self.interaction.followup.send(text, ephemeral=True)
                return
        await self.interaction.edit_original_response(view=render_notice(text))

    def _close(self, exc: discord.HTTPException) -> None:
        self._is_closed = True
        log.warning(
            "Discord takes no more replies to interaction %s (%s); the asker sees no answer",
            self.interaction.id,
            exc,
        )


async def send_page(interaction: discord.Interaction[Any], page: ReaderPage) -> None:
    """An ephemeral reader page as the follow-up to a private defer."""
    if page.attachment is not None:
        await interaction.followup.send(
            view=page.view, file=page.attachment.to_file(), ephemeral=True
        )
    else:
        await interaction.followup.send(view=page.view, ephemeral=True)


async def say_privately(interaction: discord.Interaction[Any], text: str) -> None:
    """A short ephemeral message, as the first response or after a private defer."""
    if interaction.response.is_done():
        await interaction.followup.send(text, ephemeral=True)
    else:
        await interaction.response.send_message(text, ephemeral=True)


async def defer_privately(interaction: discord.Interaction[Any]) -> bool:
    """ "factbot is thinking…" that only the clicker sees; False (logged) when Discord refused."""
    try:
        await interaction.response.defer(thinking=True, ephemeral=True)
    except discord.HTTPException:
        log.warning("could not defer interaction %s", interaction.id, exc_info=True)
        return False
    return True


class MessageReply:
    """Answers a mention or a DM with a reply to the message, under a typing indicator."""

    def __init__(self, message: discord.Message) -> None:
        self.message = message
        self.channel_id = message.channel.id
        self.posted_id: int | None = None  # the report's message, once posted
        # If the question is deleted meanwhile, the report is still posted (just not as a reply).
        self._reference = message.to_reference(fail_if_not_exists=False)

    def working(self) -> contextlib.AbstractAsyncContextManager[None]:
        """ "factbot is typing…" while the research runs."""
        return self._typing()

    async def progress(self, event: Progress) -> None:
        """Nothing: the typing indicator says enough."""

    async def report(self, view: ui.LayoutView) -> None:
        """Post the report; raises `discord.HTTPException` unless the channel is closed to
        factbot (no permission: nothing else would get through, so it is only logged)."""
        try:
            posted = await self.message.channel.send(view=view, reference=self._reference)
            self.posted_id = posted.id
        except discord.HTTPException as exc:
            if not is_closed_to_us(exc):
                raise
            log.warning("could not post a report in channel %s: %s", self.channel_id, exc)

    async def error(self, text: str) -> None:
        await self.text(text)

    async def text(self, text: str) -> None:
        await self.message.channel.send(text, reference=self._reference)

    @contextlib.asynccontextmanager
    async def _typing(self) -> AsyncIterator[None]:
        """A channel that refuses the typing indicator is no reason to not answer."""
        async with contextlib.AsyncExitStack() as stack:
            try:
                await stack.enter_async_context(self.message.channel.typing())
            except discord.HTTPException as exc:
                log.info("no typing indicator in channel %s: %s", self.message.channel.id, exc)
            yield


Reply = InteractionReply | MessageReply

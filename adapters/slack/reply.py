"""Replying in Slack: one message in one place, posted once and then updated in place.

`SlackReply` is what the asking flow talks to, shaped like bolt's `say`:
`await reply.send(message)` posts the first time and `chat.update`s after.
A slash command in a channel the bot is not in falls back to the command's
`response_url`; a private reply (a channel's setting) goes only through it,
as an ephemeral message. A message Slack rejects as too big is sent again as
text.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from adapters.slack.blockkit import SlackMessage

log = logging.getLogger(__name__)

STATUS_TEXT = "is checking sources…"
_NOT_A_MEMBER = {"not_in_channel", "channel_not_found"}
_TOO_BIG = {"invalid_blocks", "msg_blocks_too_long", "msg_too_long", "invalid_blocks_format"}
# response_url takes at most 5 messages in 30 minutes; keep one for the report
MAX_RESPONSE_URL_UPDATES = 3


@dataclass
class AssistantStatus:
    """Slack's "is thinking…" status under a thread; switched off at the first refusal (the
    workspace lacks the feature or the app the `assistant:write` scope)."""

    is_allowed: bool = True


class SlackReply:
    def __init__(
        self,
        client: AsyncWebClient,
        *,
        channel: str,
        user: str,
        thread_ts: str | None = None,
        ts: str | None = None,
        response_url: str | None = None,
        status: AssistantStatus | None = None,
        private: bool = False,
    ) -> None:
        self.client = client
        self.channel = channel
        self.user = user
        self.thread_ts = thread_ts
        self.ts = ts  # our message, once posted (or the one to replace)
        self.response_url = response_url
        self.status = status or AssistantStatus(is_allowed=False)
        # Only the asker sees a private reply; it needs a response_url (commands, shortcuts).
        self.private = private and bool(response_url)
        # set once replying through response_url
        self._webhook_sends: int | None = 0 if self.private else None
        self._status_shown = False

    @property
    def is_posted(self) -> bool:
        return self.ts is not None or bool(self._webhook_sends)

    @property
    def can_update_often(self) -> bool:
        """False when each update spends one of response_url's few uses."""
        return self._webhook_sends is None or self._webhook_sends < MAX_RESPONSE_URL_UPDATES

    async def send(self, message: SlackMessage) -> None:
        """Post the message, or replace the one posted before; raises `SlackApiError`."""
        try:
            await self._send(message)
        except SlackApiError as exc:
            error = exc.response.get("error")
            if error not in _TOO_BIG:
                raise
            log.error("Slack rejected a message (%s); sending its text only", error)
            await self._send({"text": message["text"], "blocks": []})

    async def _send(self, message: SlackMessage) -> None:
        if self._webhook_sends is not None:
            await self._send_webhook(message)
            return
        if self.ts is not None:
            await self.client.chat_update(
                channel=self.channel, ts=self.ts, text=message["text"], blocks=message["blocks"]
            )
            return
        try:
            response = await self.client.chat_postMessage(
                channel=self.channel,
                thread_ts=self.thread_ts,
                text=message["text"],
                blocks=message["blocks"],
                unfurl_links=False,
                unfurl_media=False,
            )
        except SlackApiError as exc:
            if exc.response.get("error") not in _NOT_A_MEMBER or not self.response_url:
                raise
            self._webhook_sends = 0
            await self._send_webhook(message)
            return
        self.ts = str(response["ts"])
        self.channel = str(response.get("channel") or self.channel)

    async def _send_webhook(self, message: SlackMessage) -> None:
        assert self.response_url is not None
        response = await AsyncWebhookClient(self.response_url).send(
            text=message["text"],
            blocks=message["blocks"],
            response_type="ephemeral" if self.private else "in_channel",
            replace_original=bool(self._webhook_sends),
            unfurl_links=False,
            unfurl_media=False,
        )
        if response.status_code != 200:
            log.error("response_url answered %s: %s", response.status_code, response.body[:200])
        self._webhook_sends = (self._webhook_sends or 0) + 1

    async def tell_asker(self, message: SlackMessage) -> None:
        """A message only the asker sees (a polite refusal); never raises."""
        try:
            await self.client.chat_postEphemeral(
                channel=self.channel,
                user=self.user,
                thread_ts=self.thread_ts,
                text=message["text"],
                blocks=message["blocks"],
            )
            return
        except SlackApiError as exc:
            log.warning("could not tell %s privately: %s", self.user, exc.response.get("error"))
        if not self.response_url:
            return
        try:
            await AsyncWebhookClient(self.response_url).send(
                text=message["text"], blocks=message["blocks"], response_type="ephemeral"
            )
        except Exception:  # the person just misses a courtesy message
            log.warning("could not tell %s through response_url", self.user, exc_info=True)

    async def show_status(self) -> None:
        """Slack's assistant status under the thread, where the workspace allows it."""
        if not self.status.is_allowed or self.thread_ts is None:
            return
        try:
            await self.client.assistant_threads_setStatus(
                channel_id=self.channel, thread_ts=self.thread_ts, status=STATUS_TEXT
            )
            self._status_shown = True
        except SlackApiError as exc:
            log.info(
                "assistant status unavailable (%s); not trying again", exc.response.get("error")
            )
            self.status.is_allowed = False

    async def clear_status(self) -> None:
        if not self._status_shown:
            return
        self._status_shown = False
        try:
            await self.client.assistant_threads_setStatus(
                channel_id=self.channel, thread_ts=self.thread_ts or "", status=""
            )
        except SlackApiError as exc:
            log.warning("could not clear the assistant status: %s", exc.response.get("error"))

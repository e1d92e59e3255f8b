"""The LLM client: one chat call to an OpenAI-compatible `/v1/chat/completions` endpoint.

Works with OpenAI, Ollama, vLLM and llama.cpp's server, through the `openai`
package's `AsyncOpenAI` (typed errors; retries on 429, 5xx and dropped
connections, waiting as long as a `Retry-After` asks). The reply is asked for
as JSON matching `schema.REPORT_SCHEMA`: first with `response_format`
`json_schema`; a server that refuses that (HTTP 400 or 422) is asked with
`json_object`, then with no `response_format`, and the JSON is taken out of
whatever text comes back. The mode that worked is kept for later calls.

`timeout` bounds a whole call, the client's retries and their waits included;
`max_tokens` caps what the model may write, and a reply body larger than
`MAX_REPLY_BYTES` is refused without being read to the end.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal
from urllib.parse import urlsplit

from openai import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AsyncOpenAI,
    DefaultAsyncHttpxClient,
    Omit,
    OpenAIError,
    omit,
)
from openai.types.chat import ChatCompletionMessageParam
from openai.types.chat.completion_create_params import ResponseFormat

from answers.backends.research.llm.errors import LLMBadOutput, LLMUnavailable
from answers.backends.research.llm.prompt import (
    planner_messages,
    report_messages,
    standalone_messages,
)
from answers.backends.research.llm.reply import (
    WrittenReport,
    read_queries,
    read_report,
    read_standalone,
)
from answers.backends.research.llm.schema import QUERIES_SCHEMA, REPORT_SCHEMA, STANDALONE_SCHEMA
from answers.evidence import Passage

__all__ = [
    "MAX_REPLY_BYTES",
    "LLMDraft",
    "LLMUsage",
    "LLMWriter",
    "OutputMode",
    "api_base_url",
    "chat_completions_url",
]

log = logging.getLogger(__name__)

OutputMode = Literal["json_schema", "json_object", "text"]
_NEXT_MODE: dict[OutputMode, OutputMode | None] = {
    "json_schema": "json_object",
    "json_object": "text",
    "text": None,
}
_REFUSED_FORMAT = (400, 422)  # how servers say they do not take a `response_format`
MAX_REPLY_BYTES = 1_000_000  # a report is a few kilobytes; more is a broken server
CHARS_PER_TOKEN = 4  # rough, for servers that report no usage
# The client insists on a key; servers run without one (Ollama, llama.cpp) ignore this one.
KEYLESS_API_KEY = "unused"


def api_base_url(base_url: str) -> str:
    """The OpenAI-style base URL (the part before `/chat/completions`): a bare host gets `/v1`,
    a full `…/chat/completions` URL loses that end."""
    base = base_url.strip().rstrip("/").removesuffix("/chat/completions")
    if not urlsplit(base).path.strip("/"):
        base += "/v1"
    return base


def chat_completions_url(base_url: str) -> str:
    return api_base_url(base_url) + "/chat/completions"


@dataclass
class LLMUsage:
    """Counters for the benchmark and logs."""

    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0


@dataclass(frozen=True)
class LLMDraft:
    """The model's report and its raw reply (handed back to it in a repair)."""

    report: WrittenReport
    reply: str


@dataclass(frozen=True)
class _Reply:
    content: str
    is_cut_off: bool  # the model stopped at `max_tokens`


class LLMWriter:
    """Writes a `WrittenReport` from evidence; owns its HTTP client (close with `aclose`)."""

    def __init__(
        self,
        base_url: str,
        *,
        model: str,
        timeout: float,
        max_retries: int,
        max_tokens: int,
        api_key: str | None = None,
        output_mode: OutputMode = "json_schema",
        temperature: float | None = None,
    ) -> None:
        self.base_url = api_base_url(base_url)
        self.model = model
        self._api_key = api_key  # handed to the client only; never logged or repr'd
        self.timeout = timeout
        self.max_retries = max_retries
        self.max_tokens = max_tokens
        self.output_mode: OutputMode = output_mode
        self.temperature = temperature
        self.usage = LLMUsage()
        self._client: AsyncOpenAI | None = None

    @property
    def url(self) -> str:
        return self.base_url + "/chat/completions"

    def __repr__(self) -> str:
        return f"LLMWriter(url={self.url!r}, model={self.model!r})"

    def _open(self) -> AsyncOpenAI:
        if self._client is None:
            self._client = AsyncOpenAI(
                base_url=self.base_url,
                api_key=self._api_key or KEYLESS_API_KEY,
                timeout=self.timeout,
                max_retries=self.max_retries,
                # Like every other factbot client: no proxy or certificate settings from the
                # environment.
                http_client=DefaultAsyncHttpxClient(trust_env=False),
            )
        return self._client

    async def write(
        self,
        question: str,
        passages: Sequence[Passage],
        *,
        today: date,
        repair: str | None = None,
        previous: str | None = None,
    ) -> LLMDraft:
        """One report; `repair` (with the `previous` reply) asks the model to fix what failed."""
        messages = report_messages(
            question, passages, today=today, repair=repair, previous=previous
        )
        reply = await self._complete(messages, schema=REPORT_SCHEMA, schema_name="fact_check")
        try:
            report = read_report(reply.content)
        except LLMBadOutput as exc:
            if reply.is_cut_off:
                raise LLMBadOutput(
                    f"the reply was cut off at {self.max_tokens} tokens: write a shorter report",
                    reply=reply.content,
                ) from exc
            raise
        return LLMDraft(report, reply.content)

    async def plan_queries(self, question: str, *, limit: int = 3) -> list[str]:
        """Up to `limit` search queries planned by the model."""
        reply = await self._complete(
            planner_messages(question), schema=QUERIES_SCHEMA, schema_name="queries"
        )
        return read_queries(reply.content, limit=limit)

    async def standalone_question(self, question: str, earlier: Sequence[str]) -> str:
        """`question`, a follow-up to the `earlier` questions, rewritten to stand on its own."""
        reply = await self._complete(
            standalone_messages(question, earlier),
            schema=STANDALONE_SCHEMA,
            schema_name="standalone",
        )
        return read_standalone(reply.content)

    async def _complete(
        self,
        messages: list[ChatCompletionMessageParam],
        *,
        schema: dict[str, Any],
        schema_name: str,
    ) -> _Reply:
        """The chat's reply; on a refused `response_format` step down the output modes.

        A mode is kept for later calls only once a server has accepted it: when every mode is
        refused the request itself was at fault (too long, unknown model), not the mode."""
        mode = self.output_mode
        prompt_chars = sum(len(str(m.get("content", ""))) for m in messages)
        while True:
            try:
                data = await self._post(messages, _response_format(mode, schema, schema_name))
            except APIStatusError as exc:
                next_mode = _NEXT_MODE[mode]
                if exc.status_code in _REFUSED_FORMAT and next_mode is not None:
                    log.info(
                        "LLM refused response_format %s (HTTP %s); trying %s",
                        mode,
                        exc.status_code,
                        next_mode,
                    )
                    mode = next_mode
                    continue
                if exc.status_code not in _REFUSED_FORMAT:
                    self.output_mode = mode
                retryable = exc.status_code == 429 or exc.status_code >= 500
                raise LLMUnavailable(
                    f"the LLM answered HTTP {exc.status_code}", is_retryable=retryable
                ) from None
            self.output_mode = mode
            return self._reply(data, prompt_chars=prompt_chars)

    async def _post(
        self, messages: list[ChatCompletionMessageParam], response_format: ResponseFormat | Omit
    ) -> Any:
        """The reply's JSON body (None when it is not JSON); the client's retries included."""
        self.usage.calls += 1
        try:
            async with asyncio.timeout(self.timeout):
                async with self._open().chat.completions.with_streaming_response.create(
                    model=self.model,
                    messages=messages,
                    response_format=response_format,
                    max_tokens=self.max_tokens,
                    temperature=self.temperature if self.temperature is not None else omit,
                    stream=False,
                ) as response:
                    body = bytearray()
                    async for chunk in response.iter_bytes():
                        body += chunk
                        if len(body) > MAX_REPLY_BYTES:
                            raise LLMBadOutput(f"the reply is longer than {MAX_REPLY_BYTES} bytes")
        except (TimeoutError, APITimeoutError) as exc:
            raise LLMUnavailable(
                f"the LLM did not answer within {self.timeout:g} s", is_retryable=False
            ) from exc
        except APIConnectionError as exc:
            raise LLMUnavailable(
                f"the LLM endpoint cannot be reached ({type(exc.__cause__ or exc).__name__})",
                is_retryable=False,
            ) from exc
        except APIStatusError:
            raise
        except OpenAIError as exc:
            raise LLMUnavailable(
                f"the LLM call failed ({type(exc).__name__})", is_retryable=True
            ) from exc
        try:
            return json.loads(body.decode("utf-8", errors="replace")) if body else None
        except (ValueError, RecursionError):
            return None

    def _reply(self, data: Any, *, prompt_chars: int) -> _Reply:
        if not isinstance(data, dict):
            raise LLMUnavailable("the LLM answered something that is not JSON", is_retryable=True)
        usage = data.get("usage")
        counts = usage if isinstance(usage, dict) else {}
        prompt_tokens, completion_tokens = (
            counts.get("prompt_tokens"),
            counts.get("completion_tokens"),
        )
        if isinstance(prompt_tokens, int):
            self.usage.prompt_tokens += prompt_tokens
            self.usage.completion_tokens += (
                completion_tokens if isinstance(completion_tokens, int) else 0
            )
        else:
            self.usage.prompt_tokens += prompt_chars // CHARS_PER_TOKEN
        try:
            choice = data["choices"][0]
            content = choice["message"]["content"]
        except (KeyError, IndexError, TypeError):
            choice, content = None, None
        if isinstance(content, list):  # content parts (some servers): their text, in order
            content = "".join(
                part["text"]
                for part in content
                if isinstance(part, dict)
                and part.get("type") == "text"
                and isinstance(part.get("text"), str)
            )
        if not isinstance(content, str) or not content.strip():
            raise LLMBadOutput("the reply has no message content")
        is_cut_off = isinstance(choice, dict) and choice.get("finish_reason") == "length"
        return _Reply(content, is_cut_off=is_cut_off)

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.close()
            self._client = None


def _response_format(
    mode: OutputMode, schema: dict[str, Any], schema_name: str
) -> ResponseFormat | Omit:
    if mode == "json_schema":
        return {
            "type": "json_schema",
            "json_schema": {"name": schema_name, "strict": True, "schema": schema},
        }
    if mode == "json_object":
        return {"type": "json_object"}
    return omit

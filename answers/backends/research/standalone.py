"""Follow-ups made to stand on their own by the LLM: one short rewrite call per follow-up.

"how long do they stay?" after "How does factbot cache answers?" becomes "How
long does factbot keep cached answers?", which is then researched and cached
like any question (asking it directly later finds the same answer). Only a
question asked inside a thread costs the call; when the model is down, slow
or answers something unusable, the earlier question's key words join the
search instead (`answers.standalone.key_terms_standalone`).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from answers.backends.research.llm import LLMError, LLMWriter
from answers.errors import QuestionError
from answers.model import Understood
from answers.question import check_question, normalise_question
from answers.standalone import key_terms_standalone

__all__ = ["MAX_STANDALONE_CHARS", "LLMStandalone"]

log = logging.getLogger(__name__)

MAX_STANDALONE_CHARS = 300  # a rewrite longer than this is the model answering, not asking
MAX_EARLIER_CHARS = 600  # each earlier question sent to the model is cut to this


class LLMStandalone:
    """The `StandaloneWriter` with an LLM; `calls` counts the rewrite calls made."""

    def __init__(self, writer: LLMWriter) -> None:
        self.writer = writer
        self.calls = 0

    async def standalone(self, question: str, earlier: Sequence[str]) -> Understood | None:
        if not earlier:
            return None
        self.calls += 1
        context = [turn[:MAX_EARLIER_CHARS] for turn in earlier]
        try:
            rewritten = await self.writer.standalone_question(question, context)
        except LLMError as exc:
            log.warning("the LLM could not rewrite a follow-up (%s); using key words", exc)
            return key_terms_standalone(question, earlier)
        try:
            rewritten = check_question(rewritten, limit=MAX_STANDALONE_CHARS)
        except QuestionError:
            log.warning("the LLM's rewrite of a follow-up is unusable; using key words")
            return key_terms_standalone(question, earlier)
        if normalise_question(rewritten) == normalise_question(question):
            return None  # it stood on its own already
        return Understood(question=rewritten)

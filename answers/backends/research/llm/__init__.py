"""The LLM writer: one call to an OpenAI-compatible chat endpoint for a sourced report.

    prompt   what the model is told (rules, evidence as quoted JSON, repair requests)
    schema   the reply shapes as strict pydantic models, and the JSON schemas made from them
    reply    reading a reply: the JSON taken out of any text, read leniently
    client   `LLMWriter`: the `openai` client, output-mode fallbacks, usage counts
    errors   LLMError ← LLMUnavailable, LLMBadOutput

The verifier (`answers.backends.research.verify`) then checks every sentence
against the evidence; nothing the model writes reaches a report unchecked.
"""

from answers.backends.research.llm.client import (
    LLMDraft,
    LLMUsage,
    LLMWriter,
    OutputMode,
    api_base_url,
    chat_completions_url,
)
from answers.backends.research.llm.errors import LLMBadOutput, LLMError, LLMUnavailable
from answers.backends.research.llm.prompt import SYSTEM_PROMPT, evidence_document
from answers.backends.research.llm.reply import (
    WrittenClaim,
    WrittenReport,
    WrittenSection,
    extract_json,
)
from answers.backends.research.llm.schema import QUERIES_SCHEMA, REPORT_SCHEMA, STANDALONE_SCHEMA

__all__ = [
    "QUERIES_SCHEMA",
    "REPORT_SCHEMA",
    "STANDALONE_SCHEMA",
    "SYSTEM_PROMPT",
    "LLMBadOutput",
    "LLMDraft",
    "LLMError",
    "LLMUnavailable",
    "LLMUsage",
    "LLMWriter",
    "OutputMode",
    "WrittenClaim",
    "WrittenReport",
    "WrittenSection",
    "api_base_url",
    "chat_completions_url",
    "evidence_document",
    "extract_json",
]

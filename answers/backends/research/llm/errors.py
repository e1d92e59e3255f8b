"""What can go wrong with the LLM writer (the research backend then quotes the sources instead).

LLMError
├── LLMUnavailable   endpoint down, timed out, refused the key, or HTTP 5xx/429 after the
│                    client's retries (`is_retryable`: the endpoint is up but failed this
│                    once, so the next call may work)
└── LLMBadOutput     a reply that is not the JSON report (worth a repair retry)
"""

from __future__ import annotations

__all__ = ["LLMBadOutput", "LLMError", "LLMUnavailable"]


class LLMError(Exception):
    """The LLM gave no usable report."""


class LLMUnavailable(LLMError):
    def __init__(self, message: str, *, is_retryable: bool) -> None:
        super().__init__(message)
        self.is_retryable = is_retryable


class LLMBadOutput(LLMError):
    """The reply was not the JSON asked for; the message says what was wrong (for a repair)."""

    def __init__(self, message: str, *, reply: str = "") -> None:
        super().__init__(message)
        self.reply = reply

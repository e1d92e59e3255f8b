"""Backends turn a question into a `Draft`: `corpus` (offline) and `research` (web + LLM)."""

from answers.backends.base import Backend

__all__ = ["Backend"]

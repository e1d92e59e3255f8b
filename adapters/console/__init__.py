"""The terminal adapter: `factbot ask` and `factbot chat`."""

from adapters.console.chat import run_chat
from adapters.console.render import render_answer

__all__ = ["render_answer", "run_chat"]

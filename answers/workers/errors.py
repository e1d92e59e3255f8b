"""Why a call did not complete in its worker process."""

from __future__ import annotations

__all__ = ["WorkerCrashed", "WorkerError", "WorkerTimedOut"]


class WorkerError(Exception):
    """The call did not complete in its worker; the message says why."""


class WorkerTimedOut(WorkerError):
    """The call ran past its deadline; its worker was killed and replaced."""


class WorkerCrashed(WorkerError):
    """The worker died during the call (a crash, or killed); it was replaced."""

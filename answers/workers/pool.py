"""`WorkerPool`: a few worker processes, and calls into them each with a deadline.

A call takes an idle worker (starting one in a free slot), waits for the
reply on a dedicated thread (never the event loop's default executor), and
kills and replaces the worker when the deadline passes or the caller gives
up; a worker found dead while idle gets its call retried once on another.
The processes themselves are `answers.workers.forks`'s.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import queue
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, ParamSpec, TypeVar

from answers.workers.errors import WorkerCrashed, WorkerTimedOut
from answers.workers.forks import WorkerProcess

__all__ = ["WorkerPool"]

log = logging.getLogger(__name__)

P = ParamSpec("P")
T = TypeVar("T")


class WorkerPool:
    """`workers` processes; `await pool.run(fn, *args)` runs `fn(*args)` in one of them within
    `deadline` seconds (or the `timeout` given to that call). Close it with `aclose`."""

    def __init__(
        self,
        workers: int,
        *,
        deadline: float,
        preload: Sequence[str] = (),
        memory_limit: int | None = None,
        name: str = "worker",
    ) -> None:
        if workers < 1:
            raise ValueError("a worker pool needs at least one worker")
        self.size = workers
        self.deadline = deadline
        self.memory_limit = memory_limit
        self.name = name
        self._preload = tuple(preload)
        self._idle: queue.LifoQueue[WorkerProcess | None] = queue.LifoQueue()
        self._all: set[WorkerProcess] = set()
        self._lock = threading.Lock()
        self._started = False
        self._closed = False
        self._threads: ThreadPoolExecutor | None = None

    # --- life cycle ----------------------------------------------------------------

    def start(self) -> None:
        """Start the workers now (blocking; `started()` from async code). Idempotent."""
        with self._lock:
            if self._started or self._closed:
                return
            self._started = True
            self._threads = ThreadPoolExecutor(self.size, thread_name_prefix=f"factbot-{self.name}")
        for _ in range(self.size):
            self._idle.put(None)  # a slot; its process starts when it is taken
        for worker in [self._take() for _ in range(self.size)]:
            self._release(worker)

    async def started(self) -> None:
        """Start the workers off the event loop (once); later calls return at once."""
        if not self._started:
            await asyncio.to_thread(self.start)

    def close(self) -> None:
        """Stop every worker (blocking). Calls under way fail with `WorkerCrashed`."""
        with self._lock:
            self._closed = True
            workers = list(self._all)
            self._all.clear()
        for worker in workers:
            worker.stop()
        if self._threads is not None:
            self._threads.shutdown(wait=False, cancel_futures=True)

    async def aclose(self) -> None:
        await asyncio.to_thread(self.close)

    def pids(self) -> list[int]:
        """The worker processes' ids (tests kill one to play a crash)."""
        with self._lock:
            return [w.pid for w in self._all]

    # --- calls ---------------------------------------------------------------------

    async def run(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """`fn(*args)` in a worker, waiting for a free one; raises `WorkerTimedOut`,
        `WorkerCrashed`, or what `fn` raised. Cancelling the caller kills the worker."""
        if kwargs:
            raise TypeError("pass the arguments positionally: they cross a pipe")
        await self.started()
        if self._closed or self._threads is None:
            raise WorkerCrashed("the worker pool is closed")
        until = time.monotonic() + self.deadline
        cancelled = threading.Event()
        call = functools.partial(self._call, fn, args, until=until, cancelled=cancelled)
        future = asyncio.get_running_loop().run_in_executor(self._threads, call)
        try:
            return await asyncio.shield(future)
        except asyncio.CancelledError:
            cancelled.set()  # the worker is killed; the page's time is up
            future.cancel()
            raise

    def call(self, fn: Callable[..., T], *args: Any, timeout: float | None = None) -> T:
        """Blocking `run`, for code already off the event loop."""
        self.start()
        until = time.monotonic() + (self.deadline if timeout is None else timeout)
        return self._call(fn, args, until=until, cancelled=threading.Event())

    def _call(
        self,
        fn: Callable[..., T],
        args: tuple[Any, ...],
        *,
        until: float,
        cancelled: threading.Event,
    ) -> T:
        for attempt in (1, 2):
            if cancelled.is_set():
                raise WorkerTimedOut("cancelled before it started")
            worker = self._take()
            try:
                worker.conn.send((fn, args))
                if self._wait(worker, until, cancelled) != "started":
                    raise EOFError("no acknowledgement")
            except (EOFError, OSError) as exc:
                # The worker was dead before it got the call (it died idle): another one gets it.
                self._replace(worker, "was found dead")
                if attempt == 2:
                    raise WorkerCrashed("no worker could take the call") from exc
                continue
            except BaseException:
                self._release_unless_closed(worker)
                raise
            result: T = self._result(worker, until, cancelled)
            return result
        raise AssertionError("unreachable")

    def _result(self, worker: WorkerProcess, until: float, cancelled: threading.Event) -> Any:
        try:
            status, value = self._wait_reply(worker, until, cancelled)
        except (EOFError, OSError) as exc:
            self._replace(worker, "died")
            raise WorkerCrashed("the worker died (a crash, or killed)") from exc
        except BaseException:
            self._release_unless_closed(worker)
            raise
        self._release(worker)
        if status == "error":
            raise value
        return value

    def _wait(self, worker: WorkerProcess, until: float, cancelled: threading.Event) -> str:
        status, _ = self._wait_reply(worker, until, cancelled)
        return str(status)

    def _wait_reply(
        self, worker: WorkerProcess, until: float, cancelled: threading.Event
    ) -> tuple[str, Any]:
        """The worker's next message; kills it (WorkerTimedOut) when time is up or the caller
        gave up. Raises EOFError/OSError when it died."""
        while True:  # short steps, so a cancelled call frees its worker promptly
            left = until - time.monotonic()
            if cancelled.is_set() or left <= 0:
                self._replace(worker, "past its deadline")
                raise WorkerTimedOut(f"took longer than {self.deadline:g} s")
            if worker.conn.poll(min(left, 0.05)):
                reply: tuple[str, Any] = worker.conn.recv()
                return reply

    def _release_unless_closed(self, worker: WorkerProcess) -> None:
        if not worker.conn.closed:
            self._release(worker)

    def _take(self) -> WorkerProcess:
        slot = self._idle.get()
        if self._closed:
            self._idle.put(slot)
            raise WorkerCrashed("the worker pool is closed")
        if slot is not None and slot.is_idle_and_alive():
            return slot
        if slot is not None:
            self._forget(slot)
            slot.kill()
        try:
            worker = WorkerProcess(self._preload, self.memory_limit)
        except BaseException:
            self._idle.put(None)
            raise
        with self._lock:
            self._all.add(worker)
        return worker

    def _release(self, worker: WorkerProcess) -> None:
        self._idle.put(worker)

    def _forget(self, worker: WorkerProcess) -> None:
        with self._lock:
            self._all.discard(worker)

    def _replace(self, worker: WorkerProcess, why: str) -> None:
        """Kill `worker` and start another in its place (in the background: the caller is told
        at once)."""
        log.warning("%s worker %s %s; replacing it", self.name, worker.pid, why)
        self._forget(worker)
        worker.kill()
        if self._closed:
            self._idle.put(None)
            return
        # Its own thread: the pool's threads may all be waiting for this very slot.
        threading.Thread(
            target=self._refill, name=f"factbot-{self.name}-refill", daemon=True
        ).start()

    def _refill(self) -> None:
        try:
            worker = WorkerProcess(self._preload, self.memory_limit)
        except Exception:
            log.warning("%s worker could not be started", self.name, exc_info=True)
            self._idle.put(None)  # the next call tries again
            return
        with self._lock:
            if self._closed:
                worker.stop()
                self._idle.put(None)
                return
            self._all.add(worker)
        self._idle.put(worker)

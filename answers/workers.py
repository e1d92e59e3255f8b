"""`WorkerPool`: CPU-bound parsing in worker processes, each call with a deadline.

Parsers written in C (lxml under trafilatura) are not thread-safe and can take
unbounded time, or crash, on hostile input. Here each call runs in one of a
few long-lived processes: a call past its deadline has its worker killed and
replaced, and a worker that dies (a segfault, an abort, out of memory) costs
only the call it was running. The event loop and its default executor never
run the parser; a dedicated thread per worker waits on the worker's pipe.

The function and its arguments cross a pipe, so the function must be defined
at the top level of a module and its arguments and result must pickle.

Workers are forked by a small "fork server" (`python -m answers.workers`): a
clean, single-threaded process that imported the `preload` modules once, so a
replacement starts in milliseconds and never inherits the bot's threads or
locks. (multiprocessing's own `forkserver` would do, but in Python 3.11 it
imports the main script again in every worker.) One fork server serves the
whole process; it and its workers exit when this process goes away.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import functools
import importlib
import logging
import os
import queue
import resource
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from multiprocessing.connection import Connection
from typing import Any, ParamSpec, TypeVar

__all__ = ["WorkerCrashed", "WorkerError", "WorkerPool", "WorkerTimedOut"]

log = logging.getLogger(__name__)

P = ParamSpec("P")
T = TypeVar("T")

_START_SECONDS = 30.0  # a worker that cannot start in this long is reported as crashed
_STOP_SECONDS = 1.0  # a worker told to stop that is still there after this is killed


class WorkerError(Exception):
    """The call did not complete in its worker; the message says why."""


class WorkerTimedOut(WorkerError):
    """The call ran past its deadline; its worker was killed and replaced."""


class WorkerCrashed(WorkerError):
    """The worker died during the call (a crash, or killed); it was replaced."""


def _serve(conn: Connection, memory_limit: int | None) -> None:
    """A worker's life: run calls until the pipe closes."""
    if memory_limit:
        # A document that would need more memory raises MemoryError here, not OOM on the host.
        resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))
    conn.send(("ready", os.getpid()))
    while True:
        try:
            fn, args = conn.recv()
            conn.send(("started", None))  # from here on, a death is this call's doing
        except (EOFError, OSError):
            return
        try:
            reply: tuple[str, Any] = ("ok", fn(*args))
        except BaseException as exc:
            reply = ("error", exc)
        try:
            conn.send(reply)
        except Exception as exc:  # an unpicklable result or error
            conn.send(("error", WorkerError(f"{type(exc).__name__}: {exc}")))


# --- the fork server ----------------------------------------------------------------------


def _fork_server(sock: socket.socket, modules: Sequence[str]) -> None:
    """`python -m answers.workers FD MODULE...`: import the modules (and call `module:function`
    entries, to warm up what they set up lazily), then fork one worker per request. A request
    carries the worker's end of its pipe and its memory limit."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the bot, which stops us
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # workers are reaped as they exit
    for entry in modules:
        name, _, function = entry.partition(":")
        module = importlib.import_module(name)
        if function:
            getattr(module, function)()
    while True:
        try:
            message, fds, _, _ = socket.recv_fds(sock, 64, 1)
        except OSError:
            return
        if not message:
            return  # the bot is gone
        pid = os.fork()
        if pid == 0:
            sock.close()
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            limit = int(message.decode())
            try:
                _serve(Connection(fds[0]), limit or None)
            finally:
                os._exit(0)
        os.close(fds[0])
        sock.sendall(pid.to_bytes(8, "big"))


class _ForkServer:
    def __init__(self, modules: Sequence[str]) -> None:
        self.modules = frozenset(modules)
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        path = os.pathsep.join(p for p in sys.path if p)  # import what this process imports
        self.process = subprocess.Popen(
            [sys.executable, "-m", "answers.workers", str(theirs.fileno()), *sorted(self.modules)],
            pass_fds=[theirs.fileno()],
            stdin=subprocess.DEVNULL,
            env={**os.environ, "PYTHONPATH": path},
        )
        theirs.close()
        self.sock = ours
        self.lock = threading.Lock()

    def fork(self, memory_limit: int | None) -> tuple[int, Connection]:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            with self.lock:
                socket.send_fds(self.sock, [str(memory_limit or 0).encode()], [theirs.fileno()])
                reply = b""
                while len(reply) < 8:
                    chunk = self.sock.recv(8 - len(reply))
                    if not chunk:
                        raise OSError("the fork server is gone")
                    reply += chunk
        finally:
            theirs.close()
        return int.from_bytes(reply, "big"), Connection(ours.detach())

    def close(self) -> None:
        self.sock.close()  # it exits when it reads the end of its socket
        try:
            self.process.wait(_STOP_SECONDS)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


_servers_lock = threading.Lock()
_server: _ForkServer | None = None


def _fork_server_with(modules: Sequence[str]) -> _ForkServer:
    """The process's fork server, started again (with more modules) when a pool needs more."""
    global _server
    with _servers_lock:
        if _server is not None and _server.process.poll() is None:
            if _server.modules >= set(modules):
                return _server
            modules = sorted(_server.modules | set(modules))
            _server.close()  # its workers live on: they need nothing from it
        _server = _ForkServer(modules)
        return _server


@atexit.register
def _stop_fork_server() -> None:
    with _servers_lock:
        if _server is not None:
            _server.close()


class _Worker:
    def __init__(self, preload: Sequence[str], memory_limit: int | None) -> None:
        try:
            self.pid, self.conn = _fork_server_with(preload).fork(memory_limit)
        except OSError as exc:
            raise WorkerCrashed(f"a worker could not be started ({exc})") from exc
        try:  # started means ready: its start-up must not count against its first call
            if not self.conn.poll(_START_SECONDS):
                raise WorkerCrashed(f"a worker did not start in {_START_SECONDS:g} s")
            self.conn.recv()
        except (EOFError, OSError) as exc:
            self.kill()
            raise WorkerCrashed("a worker died while starting") from exc
        except WorkerCrashed:
            self.kill()
            raise

    def is_idle_and_alive(self) -> bool:
        """False when the worker died while idle (its pipe then reads as ended)."""
        try:
            return not self.conn.poll(0)
        except OSError:
            return False

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)
        self.conn.close()

    def stop(self) -> None:
        """Close the pipe (the worker exits on its own); kill it if it lingers."""
        self.conn.close()
        deadline = time.monotonic() + _STOP_SECONDS
        while time.monotonic() < deadline:
            try:
                os.kill(self.pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.01)
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)


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
        self._idle: queue.LifoQueue[_Worker | None] = queue.LifoQueue()
        self._all: set[_Worker] = set()
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

    def _result(self, worker: _Worker, until: float, cancelled: threading.Event) -> Any:
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

    def _wait(self, worker: _Worker, until: float, cancelled: threading.Event) -> str:
        status, _ = self._wait_reply(worker, until, cancelled)
        return str(status)

    def _wait_reply(
        self, worker: _Worker, until: float, cancelled: threading.Event
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

    def _release_unless_closed(self, worker: _Worker) -> None:
        if not worker.conn.closed:
            self._release(worker)

    def _take(self) -> _Worker:
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
            worker = _Worker(self._preload, self.memory_limit)
        except BaseException:
            self._idle.put(None)
            raise
        with self._lock:
            self._all.add(worker)
        return worker

    def _release(self, worker: _Worker) -> None:
        self._idle.put(worker)

    def _forget(self, worker: _Worker) -> None:
        with self._lock:
            self._all.discard(worker)

    def _replace(self, worker: _Worker, why: str) -> None:
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
            worker = _Worker(self._preload, self.memory_limit)
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


if __name__ == "__main__":
    # Through the module's own name: what workers pickle must name answers.workers, not __main__.
    from answers.workers import _fork_server as serve_forks

    serve_forks(socket.socket(fileno=int(sys.argv[1])), sys.argv[2:])

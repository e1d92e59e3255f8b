"""CPU-bound parsing in worker processes, each call with a deadline.

Parsers written in C (lxml under trafilatura) are not thread-safe and can take
unbounded time, or crash, on hostile input. Here each call runs in one of a
few long-lived processes: a call past its deadline has its worker killed and
replaced, and a worker that dies (a segfault, an abort, out of memory) costs
only the call it was running. The event loop and its default executor never
run the parser; a dedicated thread per worker waits on the worker's pipe.

The function and its arguments cross a pipe, so the function must be defined
at the top level of a module and its arguments and result must pickle.

- `pool.py`: `WorkerPool`, the calls, their deadlines and the replacing;
- `forks.py`: the fork server (`python -m answers.workers`, `__main__.py`)
  that forks the workers from a clean, preloaded process, and one worker's life;
- `errors.py`: `WorkerError` ← `WorkerTimedOut`, `WorkerCrashed`.
"""

from answers.workers.errors import WorkerCrashed, WorkerError, WorkerTimedOut
from answers.workers.pool import WorkerPool

__all__ = ["WorkerCrashed", "WorkerError", "WorkerPool", "WorkerTimedOut"]

"""`python -m answers.workers FD MODULE...`: the fork server (`forks.serve_forks`).

A module of its own, so the package (and `forks`) are imported by their names
first: what workers pickle names `answers.workers...`, never `__main__`.
"""

import socket
import sys

from answers.workers.forks import serve_forks

serve_forks(socket.socket(fileno=int(sys.argv[1])), sys.argv[2:])

"""The fork server of the embedded store: it forks query executors on request, over the release it loaded into
memory (KIND memory) or over an on-disk store that each executor opens read-only (KIND disk).

Started by pool.py as `python -m server.store.forkserver FD KIND PATH MEMORY_BYTES` (fork+exec: the web
worker has threads and must not fork itself). It stays single-threaded, so forking it is safe, and each
executor it forks starts in milliseconds (in memory, with the loaded store shared copy-on-write instead of
loading the release again); a query stopped at its time limit or memory limit is therefore replaced at once.

Protocol on the socket FD, one line per request, answered with one line:
    spawn            with an executor's socket attached (SCM_RIGHTS)  ->  spawned PID, or failed REASON
    end PID          kill the executor (if it still runs) and reap it  ->  ended STATUS
STATUS is the exit code, or minus the signal that ended it (as subprocess reports it). The fork server
reaps its executors only when asked, so a PID the pool holds can never belong to another process. It
announces itself with `ready PID MALLOC` (MALLOC: the library its malloc comes from, malloc.py) or
`failed REASON`, and exits with its executors when the socket closes.
"""
from __future__ import annotations

import gc
import os
import signal
import socket
import sys
from multiprocessing.connection import Connection

from . import malloc
from .executor import MEMORY, Engine, run_executor


def main(argv: list[str]) -> int:
    """Load the release (or open the on-disk store), announce it, then fork executors and end them on request
    until the socket closes (the protocol above)."""
    # Ctrl-C in a terminal reaches the whole process group; the web server decides when executors end.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    fd, kind, path, memory = argv
    control = socket.socket(fileno=int(fd))
    try:
        engine = Engine.open(kind, path) if kind == MEMORY else None
    except Exception as error:  # report any start-up failure in words instead of dying silently
        send(control, f"failed {type(error).__name__}: {error}")
        return 1
    # Executors share the fork server's memory copy-on-write. A full garbage collection in an executor would write
    # to every object the fork server made, and so copy them; frozen objects are left out of collections.
    gc.freeze()
    if not send(control, f"ready {os.getpid()} {malloc.in_use()}"):
        return 0
    executors: set[int] = set()
    try:
        serve(control, executors, lambda conn: run_executor(conn, engine, kind, path, int(memory)))
    finally:
        for pid in executors:
            end(pid)
    return 0


def send(control: socket.socket, line: str) -> bool:
    """Send one line; False if the web worker has gone meanwhile (stopped while it loaded its app, say)."""
    try:
        control.sendall(line.replace("\n", " ").encode() + b"\n")
        return True
    except ConnectionError:
        return False


def serve(control: socket.socket, executors: set[int], run) -> None:
    """Answer spawn and end requests until the control socket closes."""
    while True:
        try:
            message, fds, _, _ = socket.recv_fds(control, 1024, 1)
        except ConnectionResetError:  # the web worker ended before it read what was sent (stopped while loading)
            return
        if not message:
            return
        command, _, argument = message.decode().strip().partition(" ")
        if command == "spawn" and fds:
            try:
                pid = spawn(fds[0], control, run)
                executors.add(pid)
                reply = f"spawned {pid}"
            except OSError as error:  # no process to be had now (EAGAIN, ENOMEM): the pool tries again later
                os.close(fds[0])
                reply = f"failed {error}"
        elif command == "end" and argument.isdigit() and int(argument) in executors:
            executors.discard(int(argument))
            reply = f"ended {end(int(argument))}"
        else:
            reply = "error unknown request"
        for extra in fds[1:] if command == "spawn" else fds:
            os.close(extra)
        if not send(control, reply):
            return


def spawn(fd: int, control: socket.socket, run) -> int:
    """Fork an executor that answers on socket `fd`; the child never returns from here."""
    pid = os.fork()
    if pid == 0:
        status = 1
        try:
            control.close()
            run(Connection(fd))
            status = 0
        finally:
            os._exit(status)  # never run the fork server's own clean-up in a child
    os.close(fd)
    return pid


def end(pid: int) -> int:
    """Kill an executor and wait for it; its exit status (negative: the signal that ended it)."""
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:  # exited by itself, not yet reaped
        pass
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

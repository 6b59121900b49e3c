"""Run one part of the build in a forked child process while the parent does another.

SHACL validation and writing the release files each take seconds of one core on the real data and do not
depend on each other; only publishing waits for both. A forked child sees the loaded graphs as
they are (copy-on-write, nothing is pickled on the way in), computes its part and sends the result back
through a pipe. Where `os.fork` is missing the work simply runs when its result is asked for.
"""
from __future__ import annotations

import ctypes
import os
import pickle
import signal
import traceback
from typing import Callable, Generic, TypeVar

T = TypeVar("T")


class ChildFailed(Exception):
    """The child ended without a result: it raised (the text is its traceback) or was killed."""


class Background(Generic[T]):
    """`work()` running in a child; `result()` waits for it, `cancel()` stops it (a no-op once done)."""

    def __init__(self, work: Callable[[], T]):
        self._work, self._pid, self._reader = work, None, None
        self._forked = hasattr(os, "fork")
        if self._forked:
            self._start()

    def _start(self) -> None:
        reader, writer = os.pipe()
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:  # the child: never return into the caller's code, never run its exit handlers
            try:
                _end_with(parent)
                os.close(reader)
                payload = pickle.dumps((True, self._work()), protocol=pickle.HIGHEST_PROTOCOL)
            except BaseException as error:  # noqa: BLE001 - reported to the parent, which decides
                payload = pickle.dumps((False, _portable(error)))
            try:
                with os.fdopen(writer, "wb") as out:
                    out.write(payload)
            finally:  # also when nobody reads any more (the parent ended): BrokenPipeError must not unwind
                os._exit(0)
        os.close(writer)
        self._pid, self._reader = pid, os.fdopen(reader, "rb")

    def result(self) -> T:
        if not self._forked:
            return self._work()
        try:
            data = self._reader.read()
        finally:
            self._reap()
        if not data:
            raise ChildFailed("the child process ended without a result")
        ok, value = pickle.loads(data)
        if not ok:
            raise value
        return value

    def cancel(self) -> None:
        if self._pid is not None:
            os.kill(self._pid, signal.SIGKILL)
            self._reap()

    def _reap(self) -> None:
        self._reader.close()
        os.waitpid(self._pid, 0)
        self._pid = None


PR_SET_PDEATHSIG = 1  # prctl(2)
try:  # looked up before any fork: a child loads nothing
    _PRCTL = ctypes.CDLL(None).prctl
except (OSError, AttributeError):  # not Linux: a child ends when its work does
    _PRCTL = None


def _end_with(parent: int) -> None:
    """Have the kernel kill this child when the build's process ends, however it ends (Linux): a build stopped by
    SIGTERM, which runs no cleanup, left its children computing for ~20 s (an operator's review); SIGINT's
    KeyboardInterrupt cancels them anyway. The signal follows the *thread* that forked, so a Background is made
    on the thread that waits for it (pipeline._build). A parent already gone ends the child at once."""
    if _PRCTL is not None and _PRCTL(PR_SET_PDEATHSIG, signal.SIGKILL) == 0 and os.getppid() != parent:
        os._exit(0)


def _portable(error: BaseException) -> BaseException:
    """The child's exception if it survives pickling (the caller may catch it by type), else its traceback."""
    try:
        pickle.loads(pickle.dumps(error))
        return error
    except Exception:  # noqa: BLE001 - any failure to pickle means: send text instead
        return ChildFailed("".join(traceback.format_exception(error)))


class Claim:
    """A piece of work that the parent or the child may do, whichever is free first: `take()` is True for the
    first process that asks, False for the other (and for any later call).

    The claim is one byte in a pipe made before the fork: a read of it is atomic, so exactly one process gets
    it, and no lock is held that a killed child could leave behind. The build's shared parts (pipeline.Shared)
    go to the parent when validation was quick and to the child when validation keeps the parent busy."""

    def __init__(self):
        self._reader, writer = os.pipe()
        os.write(writer, b"1")
        os.close(writer)
        os.set_blocking(self._reader, False)

    def take(self) -> bool:
        try:
            return os.read(self._reader, 1) == b"1"
        except OSError:  # BlockingIOError: the other process has taken it
            return False

    def close(self) -> None:
        os.close(self._reader)

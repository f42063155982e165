"""Ctrl-C (SIGINT) and SIGTERM stop the whole command: the year being built fails, nothing more runs.

Outside a Dagster run, either signal raises ``Interrupted`` at once. During a run, Dagster installs its own
handlers and turns the signal into a failed run instead of raising; the signal is still seen here, because the
interpreter writes every signal it catches to the wakeup file descriptor set by ``watch`` (``signal``'s public
``set_wakeup_fd``), whichever Python handler then runs. ``raise_if_received`` after each run stops the command.
"""

from __future__ import annotations

import signal
import socket

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Interrupted(KeyboardInterrupt):
    """The command was asked to stop (Ctrl-C or SIGTERM)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


_WAKEUP: list[socket.socket] = []
_RECEIVED: list[int] = []


def _raise(signum: int, _frame) -> None:
    _RECEIVED.append(signum)
    raise Interrupted(signum)


def _record(signum: int, _frame) -> None:
    _RECEIVED.append(signum)


def watch(worker: bool = False) -> None:
    """Install the handlers (main thread only). In the command, a stop signal raises Interrupted. A worker
    process of the command only records it, wherever it arrives (an exception raised inside a library's
    clean-up would be printed by it): a run under way is stopped by Dagster's own handler, a run is not
    started and a release is not swapped in once a stop was recorded, and an idle worker ends when the
    command shuts the pool down."""
    if not _WAKEUP:
        reader, writer = socket.socketpair()
        reader.setblocking(False)
        writer.setblocking(False)
        signal.set_wakeup_fd(writer.fileno(), warn_on_full_buffer=False)
        _WAKEUP.extend((reader, writer))
    for signum in STOP_SIGNALS:
        signal.signal(signum, _record if worker else _raise)


def ignore() -> None:
    """While the command cleans up after a stop: a second Ctrl-C does not cut the clean-up short."""
    for signum in STOP_SIGNALS:
        signal.signal(signum, signal.SIG_IGN)


def received() -> int | None:
    """The first stop signal this process has received since ``watch``, if any."""
    if _WAKEUP:
        while True:
            try:
                data = _WAKEUP[0].recv(64)
            except BlockingIOError:
                break
            if not data:
                break
            _RECEIVED.extend(b for b in data if b in STOP_SIGNALS)
    return _RECEIVED[0] if _RECEIVED else None


def raise_if_received() -> None:
    signum = received()
    if signum is not None:
        raise Interrupted(signum)


def exit_status(signum: int) -> int:
    """The shell's convention for a command ended by a signal: 128 + its number (130 for Ctrl-C)."""
    return 128 + signum

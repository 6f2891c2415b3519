"""Work made ready in order on a thread of its own, a few items ahead of the threads that take it.

Batches of replicates whose parameters are drawn need Python work before the compiled loop can
run them (their inputs, networks and plans). Done by the threads that run the loop, that work
holds the interpreter lock while the other thread's loop could use it, and the two threads wait
on each other. :class:`Ahead` does it on a thread of its own, in order, at most ``ahead`` items
before they are taken, so that the loop's threads find their batch ready (docs/performance.md).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Sequence
from typing import Generic, TypeVar

__all__ = ["Ahead"]

K = TypeVar("K", bound=Hashable)
T = TypeVar("T")


class Ahead(Generic[K, T]):
    """``make(key)`` for each key in order, on a background thread, kept until :meth:`take`.

    At most ``ahead`` items wait to be taken. An error in ``make`` is raised by :meth:`take`;
    :meth:`close` (or leaving a ``with`` block) stops the thread. Use it as a context manager.
    """

    def __init__(self, keys: Sequence[K], make: Callable[[K], T], ahead: int) -> None:
        if ahead < 1:
            raise ValueError("ahead must be at least 1")
        self._keys, self._make, self._ahead = list(keys), make, ahead
        self._ready: dict[K, T] = {}
        self._error: BaseException | None = None
        self._closed = False
        self._lock = threading.Condition()
        self._thread = threading.Thread(target=self._work, name="deportsim-ahead", daemon=True)

    def __enter__(self) -> Ahead[K, T]:
        if self._keys:  # nothing to make: no thread
            self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def _work(self) -> None:
        for key in self._keys:
            with self._lock:
                while len(self._ready) >= self._ahead and not self._closed:
                    self._lock.wait()
                if self._closed:
                    return
            try:
                item = self._make(key)
            except BaseException as exc:  # noqa: BLE001 - handed to the taker, raised there
                with self._lock:
                    self._error = exc
                    self._lock.notify_all()
                return
            with self._lock:
                self._ready[key] = item
                self._lock.notify_all()

    def take(self, key: K) -> T:
        """The item of ``key`` (waiting for it); raises what ``make`` raised, if it did."""
        if key not in self._keys:
            raise KeyError(key)
        with self._lock:
            while key not in self._ready:
                if self._error is not None:
                    raise self._error
                if self._closed:
                    raise RuntimeError("taken after the work was closed")
                self._lock.wait()
            item = self._ready.pop(key)
            self._lock.notify_all()
            return item

    def close(self) -> None:
        """Stop making items (the one being made is finished first) and drop those not taken."""
        with self._lock:
            self._closed = True
            self._ready.clear()
            self._lock.notify_all()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join()

"""What the service computed, kept for the next request that asks the same of the same store.

Every key holds the store's version (:meth:`graph.store.GraphStore.version`), read before
the data, so any write — by this process, another API worker or a CLI import — moves
every later request onto new keys: nothing is ever invalidated by hand, and nothing stale
is served. Every key also holds the caller's visibility (role and visible accounts), so a
result built for one caller's view can only be found by a caller with the same view.
Bounded: the least recently used entries go first. One cache per process (each worker
keeps its own; the store's version keeps them all right).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Final, TypeVar

from graph.access import Caller, Role
from graph.store import GraphStore

T = TypeVar("T")
#: Entries kept per worker. A 40-person account's graph and analysis take ~0.2 MB and its
#: board page 0.1 MB; a 400-person one's ~1 MB and 0.7 MB: a few hundred MB at the worst.
CACHE_SIZE: Final = 256


class LRU:
    """A thread-safe LRU map whose :meth:`get` computes a missing value once: threads
    asking for the same key meanwhile wait for it instead of computing it again."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[Hashable, object] = OrderedDict()
        self._lock = threading.Lock()
        self._making: dict[Hashable, threading.Lock] = {}

    def __len__(self) -> int:
        return len(self._items)

    def _hit(self, key: Hashable) -> tuple[bool, object]:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return True, self._items[key]
            return False, None

    def get(self, key: Hashable, make: Callable[[], T]) -> T:
        """The value kept for ``key``, or ``make()``'s, kept (an exception keeps nothing)."""
        found, value = self._hit(key)
        if found:
            return value  # type: ignore[return-value]
        with self._lock:
            turn = self._making.setdefault(key, threading.Lock())
        with turn:
            found, value = self._hit(key)
            if found:
                return value  # type: ignore[return-value]
            try:
                made = make()
                with self._lock:
                    self._items[key] = made
                    while len(self._items) > self.size:
                        self._items.popitem(last=False)
            finally:
                with self._lock:
                    self._making.pop(key, None)
            return made

    def retain(self, keep: Callable[[Hashable], bool]) -> None:
        """Drop every value whose key ``keep`` refuses."""
        with self._lock:
            for key in [k for k in self._items if not keep(k)]:
                del self._items[key]


RESULTS: Final = LRU(CACHE_SIZE)
#: Per store, the version seen last: when it moves, what older versions left is dropped,
#: so pages showing an erased person do not linger in memory until evicted.
_SEEN: Final[dict[str, str]] = {}


def cached(
    store: GraphStore, caller: Caller, what: tuple[Hashable, ...], make: Callable[[], T]
) -> T:
    """``make()``, or what it gave before for the same ``what`` on the same store version
    and for a caller who sees the same. A store that has no version yet (never written by
    this kamgraph) is not cached."""
    version = store.version()  # first: see graph.store.GraphStore.version
    if not version:
        return make()
    where = store.describe()
    if _SEEN.get(where, version) != version:
        RESULTS.retain(lambda key: key[0] != where or key[1] == version)  # type: ignore[index]
    _SEEN[where] = version
    visibility: tuple[Role, frozenset[str] | None] = (caller.role, caller.accounts)
    return RESULTS.get((where, version, visibility, *what), make)

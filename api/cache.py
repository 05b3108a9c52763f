"""What the service computed, kept for the next request that asks the same of the same store.

Every key holds the store's version (:meth:`graph.store.GraphStore.version`), read before
the data, so any write — by this process, another API worker or a CLI import — moves
every later request onto new keys: nothing is ever invalidated by hand, and nothing stale
is served. Every key also holds the caller's visibility (role and visible accounts), so a
result built for one caller's view can only be found by a caller with the same view.
Bounded by memory: each value is weighed once, when it is kept (:func:`footprint`), and the
least recently used go first once the values together pass the budget
(``KAMGRAPH_CACHE_MB``). One cache per process (each worker keeps its own; the store's
version keeps them all right).
"""

from __future__ import annotations

import enum
import sys
import threading
import types
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Final, TypeVar

from graph.access import Caller, Role
from graph.store import GraphStore

T = TypeVar("T")

#: Never weighed: shared by every value that refers to them (classes, functions, enum
#: members, None and the other singletons), so no one value's eviction frees them.
_SHARED: Final = (
    type,
    enum.Enum,
    type(None),
    bool,
    types.FunctionType,
    types.BuiltinFunctionType,
    types.ModuleType,
)


def footprint(value: object) -> int:
    """About how many bytes ``value`` keeps alive: the sizes of every object it reaches
    (containers, their items, objects' attributes), each counted once.

    What the cache keeps is pages (text) and graphs with their analyses (dicts, lists
    and pydantic models), whose sizes vary a hundredfold with the account: counting
    entries bounded nothing. Weighing walks every object once; a 40-person account's
    graph and analysis take a few ms, against the tens of ms building them took.

    >>> footprint("x" * 1000) >= 1000
    True
    >>> footprint(["x" * 1000] * 3) < 2 * footprint("x" * 1000)  # one string, counted once
    True
    """
    seen: set[int] = set()
    todo: list[object] = [value]
    total = 0
    while todo:
        item = todo.pop()
        if id(item) in seen or isinstance(item, _SHARED):
            continue
        seen.add(id(item))
        total += sys.getsizeof(item)
        if isinstance(item, str | bytes | int | float):
            continue
        if isinstance(item, dict):
            todo.extend(item.keys())
            todo.extend(item.values())
        elif isinstance(item, list | tuple | set | frozenset):
            todo.extend(item)
        else:
            todo.extend(getattr(item, "__dict__", {}).values())
            for name in getattr(type(item), "__slots__", ()):
                todo.append(getattr(item, name, None))
    return total


class LRU:
    """A thread-safe LRU map holding at most ``budget`` bytes of values (as ``weigh``
    says; a value weighing more is returned, not kept), whose :meth:`get` computes a
    missing value once: threads asking for the same key meanwhile wait for it instead
    of computing it again."""

    def __init__(self, budget: int, weigh: Callable[[object], int] = footprint) -> None:
        self._budget = budget
        self._weigh = weigh
        self._items: OrderedDict[Hashable, tuple[object, int]] = OrderedDict()
        self._weight = 0
        self._lock = threading.Lock()
        self._making: dict[Hashable, threading.Lock] = {}

    @property
    def budget(self) -> int:
        """The bytes the values may weigh together; lowering it evicts at once."""
        return self._budget

    @budget.setter
    def budget(self, budget: int) -> None:
        with self._lock:
            self._budget = budget
            self._evict()

    def _evict(self) -> None:
        while self._weight > self._budget:
            self._weight -= self._items.popitem(last=False)[1][1]

    @property
    def weight(self) -> int:
        """The bytes the kept values weigh together."""
        return self._weight

    def __len__(self) -> int:
        return len(self._items)

    def _hit(self, key: Hashable) -> tuple[bool, object]:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return True, self._items[key][0]
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
                weight = self._weigh(made)
                with self._lock:
                    if weight <= self._budget:
                        self._items[key] = (made, weight)
                        self._weight += weight
                        self._evict()
            finally:
                with self._lock:
                    self._making.pop(key, None)
            return made

    def retain(self, keep: Callable[[Hashable], bool]) -> None:
        """Drop every value whose key ``keep`` refuses."""
        with self._lock:
            for key in [k for k in self._items if not keep(k)]:
                self._weight -= self._items.pop(key)[1]


#: The budget when the app sets none (:attr:`graph.settings.Settings.cache_mb`'s default).
DEFAULT_BUDGET: Final = 256 * 1024 * 1024
RESULTS: Final = LRU(DEFAULT_BUDGET)
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

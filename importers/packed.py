"""What an importer's pass 1 validated, held packed in memory for pass 2 to write.

Pass 1 builds every record (validating it); pass 2 yields the same records in batches.
Rather than read and validate the input again, pass 1 appends each record to a
:class:`Packed`: records are pickled and zlib-compressed a chunk at a time, so an
export's rows are never held whole as Python objects (a contact of the import bench
packs into ~11 bytes, against ~1.5 KB as a model; real, less repetitive data packs
less tightly), and nothing is written to disk (the records hold personal data). Pass
2 unpacks one chunk at a time, as often as it is run.

>>> packed = Packed[int]()
>>> for n in range(2500):
...     packed.append(n)
>>> len(packed), sum(packed), sum(packed)
(2500, 3123750, 3123750)
"""

from __future__ import annotations

import pickle
import zlib
from collections.abc import Iterator
from typing import Final, Generic, TypeVar

T = TypeVar("T")

#: Items per packed chunk: enough for zlib to find the repeats between records (field
#: names, ids' common prefixes), few enough that an unpacked chunk is small.
CHUNK: Final = 1000


class Packed(Generic[T]):
    """Picklable items, appended and then read back in order, any number of times.

    The items are the pass's own (validated records; pickling keeps which fields were
    set, so a record unpacked is the record built). Appending after iterating has begun
    is not supported (pass 2 starts once pass 1 has finished).
    """

    def __init__(self) -> None:
        self._chunks: list[bytes] = []
        self._open: list[T] = []  # the last chunk, not yet full

    def append(self, item: T) -> None:
        """Add ``item`` at the end; a full chunk is packed."""
        self._open.append(item)
        if len(self._open) == CHUNK:
            data = pickle.dumps(self._open, protocol=pickle.HIGHEST_PROTOCOL)
            self._chunks.append(zlib.compress(data, 1))  # level 1: fast, nearly as small
            self._open = []

    def __len__(self) -> int:
        return len(self._chunks) * CHUNK + len(self._open)

    def __iter__(self) -> Iterator[T]:
        for chunk in self._chunks:
            yield from pickle.loads(zlib.decompress(chunk))
        yield from self._open

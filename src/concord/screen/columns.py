"""The screening index's parts as flat arrays: what a file holds and a memory map reads.

Every part is a numpy array or a byte string, so the index is written with `np.save` and
read back by memory-mapping in milliseconds (see `concord.screen.persist`), and a freshly
built index and a loaded one are the same objects over the same bytes. Records (a profile,
a target) are JSON in one byte string, decoded on first use: a query touches a few dozen.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, overload

import numpy as np

T = TypeVar("T")

# A byte string the index reads slices of: `bytes` when built, an `mmap.mmap` when loaded.
Blob = Any


def pack_records(records: Iterable[Any]) -> tuple[bytes, np.ndarray]:
    """JSON-ready records as one UTF-8 byte string and the offset of each (n + 1 offsets).

    >>> blob, starts = pack_records([{"a": 1}, ["x"]])
    >>> blob, starts.tolist()
    (b'{"a":1}["x"]', [0, 7, 12])
    """
    parts = [json.dumps(r, ensure_ascii=False, separators=(",", ":")).encode() for r in records]
    return b"".join(parts), _offsets(len(p) for p in parts)


def pack_texts(texts: Iterable[str]) -> tuple[bytes, np.ndarray]:
    """Strings as one UTF-8 byte string and the offset of each (n + 1 offsets)."""
    parts = [t.encode() for t in texts]
    return b"".join(parts), _offsets(len(p) for p in parts)


def _offsets(lengths: Iterable[int]) -> np.ndarray:
    return np.concatenate(([0], np.cumsum(np.fromiter(lengths, np.int64)))).astype(np.int64)


class Records(Sequence[T], Generic[T]):
    """A sequence of records packed by `pack_records`, each decoded once, when first read."""

    def __init__(self, blob: Blob, starts: np.ndarray, decode: Callable[[Any], T]) -> None:
        self._blob, self._decode = blob, decode
        self._starts = starts.tolist()  # Python ints: slicing a blob is then ~0.2 µs
        self._done: dict[int, T] = {}

    def __len__(self) -> int:
        return len(self._starts) - 1

    @overload
    def __getitem__(self, position: int) -> T: ...

    @overload
    def __getitem__(self, position: slice) -> list[T]: ...

    def __getitem__(self, position: int | slice) -> T | list[T]:
        if isinstance(position, slice):
            return [self[i] for i in range(*position.indices(len(self)))]
        if position < 0:
            position += len(self)
        if not 0 <= position < len(self):
            raise IndexError(position)
        held = self._done.get(position)
        if held is None:
            start, end = self._starts[position], self._starts[position + 1]
            held = self._done[position] = self._decode(json.loads(self._blob[start:end]))
        return held

    def __iter__(self) -> Iterator[T]:
        return (self[i] for i in range(len(self)))


class Texts(Sequence[str]):
    """A sequence of strings packed by `pack_texts`, decoded at each read (a few dozen per
    query: cheaper than keeping every one)."""

    def __init__(self, blob: Blob, starts: np.ndarray) -> None:
        self._blob, self._starts = blob, starts.tolist()

    def __len__(self) -> int:
        return len(self._starts) - 1

    @overload
    def __getitem__(self, position: int) -> str: ...

    @overload
    def __getitem__(self, position: slice) -> list[str]: ...

    def __getitem__(self, position: int | slice) -> str | list[str]:
        if isinstance(position, slice):
            return [self[i] for i in range(*position.indices(len(self)))]
        blob: bytes = self._blob[self._starts[position] : self._starts[position + 1]]
        return blob.decode()


class Lookup(Mapping[str, int]):
    """Strings to their positions, as a sorted string array and the position of each.

    >>> names = Lookup.build(["b", "a", "c"])
    >>> names["c"], names.get("z"), sorted(names)
    (2, None, ['a', 'b', 'c'])
    """

    def __init__(self, keys: np.ndarray, positions: np.ndarray) -> None:
        self.keys_array, self.positions = keys, positions
        self._width = keys.dtype.itemsize // 4  # numpy's fixed-width unicode: 4 bytes a char

    @classmethod
    def build(cls, strings: Sequence[str]) -> Lookup:
        """The lookup of distinct strings, each to its position in `strings`."""
        array = np.array(strings, dtype=f"<U{max((len(s) for s in strings), default=1) or 1}")
        order = np.argsort(array, kind="stable")
        return cls(array[order], order.astype(np.int32))

    def find(self, keys: Sequence[str]) -> np.ndarray:
        """The rank (in sorted order) of each key, -1 for a key not held."""
        out = np.full(len(keys), -1, np.int64)
        fits = [i for i, k in enumerate(keys) if len(k) <= self._width]
        if not len(self.keys_array) or not fits:
            return out
        wanted = np.array([keys[i] for i in fits], dtype=self.keys_array.dtype)
        ranks = np.minimum(np.searchsorted(self.keys_array, wanted), len(self.keys_array) - 1)
        held = self.keys_array[ranks] == wanted
        out[np.array(fits)[held]] = ranks[held]
        return out

    def __getitem__(self, key: str) -> int:
        rank = int(self.find([key])[0])
        if rank < 0:
            raise KeyError(key)
        return int(self.positions[rank])

    def __iter__(self) -> Iterator[str]:
        return (str(k) for k in self.keys_array)

    def __len__(self) -> int:
        return len(self.keys_array)


class Postings(Mapping[str, np.ndarray]):
    """Keys to the sorted positions that hold them (compressed rows), with a weight per key.

    >>> p = Postings.build({"KN": [0, 2], "A": [1]})
    >>> p["KN"].tolist(), len(p), p.ranks(["A", "Z"]).tolist()
    ([0, 2], 2, [0, -1])
    """

    def __init__(self, keys: Lookup, starts: np.ndarray, ids: np.ndarray,
                 weights: np.ndarray) -> None:  # fmt: skip
        self.lookup, self.starts, self.ids, self.weights = keys, starts, ids, weights

    @classmethod
    def build(cls, lists: Mapping[str, Sequence[int]],
              weights: Mapping[str, float] | None = None) -> Postings:  # fmt: skip
        """Postings of key -> positions (weights default to 1.0)."""
        keys = sorted(lists)
        lookup = Lookup(np.array(keys, dtype=f"<U{max(map(len, keys), default=1) or 1}"),
                        np.arange(len(keys), dtype=np.int32))  # fmt: skip
        starts = _offsets(len(lists[k]) for k in keys)
        ids = np.fromiter((i for k in keys for i in lists[k]), np.int32, int(starts[-1]))
        weight = np.array([(weights or {}).get(k, 1.0) for k in keys], np.float64)
        return cls(lookup, starts, ids, weight)

    def ranks(self, keys: Sequence[str]) -> np.ndarray:
        """The rank of each key, -1 for a key not held."""
        return self.lookup.find(keys)

    def at(self, rank: int) -> np.ndarray:
        """The positions holding the key of this rank."""
        return self.ids[self.starts[rank] : self.starts[rank + 1]]

    def holders(self, keys: Iterable[str], size: int) -> np.ndarray:
        """Which of `size` positions hold any of the keys, as booleans."""
        out = np.zeros(size, bool)
        for rank in self.ranks(list(keys)):
            if rank >= 0:
                out[self.at(int(rank))] = True
        return out

    def __getitem__(self, key: str) -> np.ndarray:
        rank = int(self.ranks([key])[0])
        if rank < 0:
            raise KeyError(key)
        return self.at(rank)

    def __iter__(self) -> Iterator[str]:
        return iter(self.lookup)

    def __len__(self) -> int:
        return len(self.lookup)


def groups(owner: np.ndarray, count: int) -> list[list[int]]:
    """The members of each of `count` groups, from each member's group (in member order).

    >>> groups(np.array([1, 0, 1]), 3)
    [[1], [0, 2], []]
    """
    order = np.argsort(owner, kind="stable")
    bounds = np.searchsorted(owner[order], np.arange(count + 1)).tolist()
    members = order.tolist()
    return [members[a:b] for a, b in itertools.pairwise(bounds)]


@dataclass
class Columns:
    """An index as flat parts: arrays (`np.save`), byte strings, and small JSON facts."""

    arrays: dict[str, np.ndarray]
    blobs: dict[str, Blob]
    meta: dict[str, Any]

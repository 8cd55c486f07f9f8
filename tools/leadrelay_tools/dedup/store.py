"""Match records kept compact, and the blocking index over them, for a million records in bounded memory.

A ``MatchRecord`` is kept as ``pack``'s bytes (its values and normalised keys, marshalled: about
0.8 kB, against several kB of Python objects) and rebuilt by ``unpack`` only when compared. A
blocking key is kept as a 40-bit stable hash (BLAKE2b, so the same in every process and run) in
one sorted array of ``hash << 23 | record``; records that share a key are neighbours in it. A hash
collision only adds a comparison, never loses one.
"""

from __future__ import annotations

import marshal
from array import array
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from hashlib import blake2b
from typing import Any

from leadrelay.domain.matching.company import CompanyName
from leadrelay.domain.matching.email import EmailKey
from leadrelay.domain.matching.person import PersonName
from leadrelay.domain.matching.phone import PhoneKey
from leadrelay.domain.matching.record import MatchRecord
from msgspec.structs import astuple

INDEX_BITS = 23
MAX_RECORDS = 1 << INDEX_BITS
"""How many records one index holds (8,388,608)."""
_MASK = MAX_RECORDS - 1


class StoreFullError(Exception):
    """More records than the store holds; the message is one sentence for the command line."""

    def __init__(self, capacity: int) -> None:
        super().__init__(
            f"more than {capacity:,} records: one run compares at most {capacity:,} "
            f"(--max-records, at most {MAX_RECORDS:,}, the records its blocking index can number); "
            "split the input into parts that cannot hold the same person — by country, region or "
            "e-mail domain — and run each part"
        )
        self.capacity = capacity


def pack(record: MatchRecord) -> bytes:
    """The record as compact bytes (``unpack`` gives it back equal)."""
    return marshal.dumps(
        (
            dict(record.values),
            _plain(record.person),
            record.person_key,
            _plain(record.email),
            tuple(astuple(phone) for phone in record.phones),
            _plain(record.company),
            record.domain,
            record.corporate_number,
        )
    )


def unpack(data: bytes) -> MatchRecord:
    """The record ``pack`` stored."""
    values, person, person_key, email, phones, company, domain, number = marshal.loads(data)  # noqa: S302
    return MatchRecord(
        values=values,
        person=PersonName(*person) if person else None,
        person_key=person_key,
        email=EmailKey(*email) if email else None,
        phones=tuple(PhoneKey(*phone) for phone in phones),
        company=CompanyName(*company) if company else None,
        domain=domain,
        corporate_number=number,
    )


def _plain(value: Any) -> tuple[Any, ...] | None:
    return None if value is None else astuple(value)


def key_hash(key: str) -> int:
    """A blocking key's stable 40-bit hash."""
    return int.from_bytes(blake2b(key.encode(), digest_size=5).digest(), "big")


def key_hashes(keys: Iterable[str]) -> list[int]:
    """The distinct hashes of a record's blocking keys, sorted."""
    return sorted({key_hash(key) for key in keys})


@dataclass
class Store:
    """The records read so far (packed), their ids, and their blocking-key hashes; at most
    ``capacity`` records (:data:`MAX_RECORDS` at most): one more raises :class:`StoreFullError`."""

    capacity: int = MAX_RECORDS
    ids: list[str] = field(default_factory=list)
    blobs: list[bytes] = field(default_factory=list)
    _entries: array[int] = field(default_factory=lambda: array("q"))
    _index: array[int] | None = None

    def __post_init__(self) -> None:
        if not 1 <= self.capacity <= MAX_RECORDS:
            raise ValueError(f"a store holds 1 to {MAX_RECORDS:,} records, not {self.capacity:,}")

    def add(self, identifier: str, blob: bytes, hashes: Iterable[int]) -> None:
        """One more record with its blocking-key hashes."""
        number = len(self.blobs)
        if number >= self.capacity:
            raise StoreFullError(self.capacity)
        self.ids.append(identifier)
        self.blobs.append(blob)
        self._entries.extend(h << INDEX_BITS | number for h in hashes)
        self._index = None

    def __len__(self) -> int:
        return len(self.blobs)

    def index(self) -> array[int]:
        """The entries sorted by key hash (built once after the last ``add``)."""
        if self._index is None:
            self._index = array("q", sorted(self._entries))
        return self._index

    def blocks(self, max_block: int) -> Iterator[list[int]]:
        """Each group of two to ``max_block`` records that share a key hash, in hash order."""
        entries = self.index()
        start = 0
        while start < len(entries):
            key = entries[start] >> INDEX_BITS
            end = start + 1
            while end < len(entries) and entries[end] >> INDEX_BITS == key:
                end += 1
            if 2 <= end - start <= max_block:
                yield [entry & _MASK for entry in entries[start:end]]
            start = end

    def candidate_pairs(self, max_block: int) -> Iterator[tuple[int, int]]:
        """Each pair of records that shares a usable key, once, as (i, j) with i < j."""
        seen: set[tuple[int, int]] = set()
        for members in self.blocks(max_block):
            for n, left in enumerate(members):
                for right in members[n + 1 :]:
                    if (left, right) not in seen:
                        seen.add((left, right))
                        yield left, right

    def lookup(self, hashes: Iterable[int], max_block: int) -> list[int]:
        """The records filed under any of ``hashes`` (keys shared by more than ``max_block`` skipped)."""
        entries = self.index()
        found: set[int] = set()
        for h in hashes:
            start = bisect_left(entries, h << INDEX_BITS)
            end = bisect_left(entries, (h + 1) << INDEX_BITS, start)
            if end - start <= max_block:
                found.update(entry & _MASK for entry in entries[start:end])
        return sorted(found)

"""The hash chain: an entry's hash, its place after the entry before it, the id of an entry that
is not a claim, and entries serialised in bulk before their place is known (a large import's)."""

from __future__ import annotations

import hashlib
from array import array
from collections.abc import Callable, Generator, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import orjson

from osintlog.store import Keep

HASH_LENGTH = 32


@dataclass
class AppendResult:
    """What an append wrote: the entries given as dicts that were added (chained in place),
    the ids already there, and how many entries and claims were added, however given (the
    entries of a large import are counted, not kept)."""

    added: list[dict[str, Any]]
    existing: list[str]
    written: int = 0
    claims_written: int = 0

    def count(self, kind: str) -> None:
        self.written += 1
        self.claims_written += kind == "claim"


def entry_hash(entry: Mapping[str, Any]) -> str:
    """The hash of an entry over its canonical serialisation: everything but its own hash."""
    if "hash" not in entry:  # being chained: no copy needed
        return _digest(entry)
    return _digest({k: v for k, v in entry.items() if k != "hash"})


def _digest(body: Mapping[str, Any]) -> str:
    digest = hashlib.sha256(orjson.dumps(body, option=orjson.OPT_SORT_KEYS))
    return digest.hexdigest()[:HASH_LENGTH]


def chain(entry: dict[str, Any], previous: str) -> str:
    """Give an entry its place after the entry whose hash is `previous`, and its keys the order
    it is stored in (see `ledger_chunks`); its own hash."""
    entry["prev"] = previous
    own = entry_hash(entry)
    stored = sorted((k, v) for k, v in entry.items() if k != "hash")
    entry.clear()
    entry.update(stored, hash=own)
    return own


# The hashed form of an entry about to be chained holds its blank `prev` once, as a key: inside a
# JSON string every quote is escaped, so these bytes cannot occur there.
_BLANK_PREV = b'"prev":""'


class SerialisedEntries:
    """Entries serialised in bulk by the process that checked them, before their place in the
    chain is known: a blob of bytes and a few lists, cheap to pickle from one process to another,
    unlike the same entries as dicts. A large import makes one for each part of its file, and
    `Ledger.append` takes it as it takes entries.

    An entry's serialisation is its hashed form (`entry_hash`) with a blank `prev`, cut where the
    value of `prev` goes: `chained_lines` completes it into the line the file holds, byte for
    byte what the entry as a dict would give (tests/test_ledger_file.py holds it to that).

    The offsets of the cuts are an array of machine integers and each source's name is one
    string for the whole part: the part is pickled and unpickled a third quicker than with a
    list of numbers and a string per row.
    """

    def __init__(self, entries: Iterable[dict[str, Any]], kept: Keep | None = None) -> None:
        """`entries` are not chained yet (no prev, hash or status); each is given a blank prev.
        `kept` is the ledger's store's (`store.Store`): what it makes of each entry is kept
        beside the entry's line."""
        self.ids: list[str] = []
        self.kinds: list[str] = []
        self.refers: list[str | None] = []
        # A claim's metric, unit, source and as-of, for the checks under the lock.
        self.facts: list[tuple[str, str | None, str, str] | None] = []
        made: list[Any] | None = [] if kept else None
        self.kept = made
        self.cuts = array("q", [0])
        hashed = bytearray()
        ids, kinds, refers, cuts, facts = self.ids, self.kinds, self.refers, self.cuts, self.facts
        sources: dict[str, str] = {}
        dumps, sort, value_at = orjson.dumps, orjson.OPT_SORT_KEYS, len(_BLANK_PREV) - 1
        # Each serialisation is appended at once and let go: orjson's bytes each keep a large
        # buffer, and 100,000 of them held would take gigabytes.
        for entry in entries:
            ids.append(entry["id"])
            kinds.append(entry["kind"])
            refers.append(entry.get("supersedes") or entry.get("target"))
            if entry["kind"] == "claim" and "metric" in entry:
                source = sources.setdefault(entry["source"], entry["source"])
                facts.append((entry["metric"], entry.get("unit"), source, entry["as_of"]))
            else:
                facts.append(None)
            if made is not None and kept is not None:
                made.append(kept(entry))
            entry["prev"] = ""
            hashed_form = dumps(entry, option=sort)
            cuts.append(len(hashed) + hashed_form.index(_BLANK_PREV) + value_at)
            hashed += hashed_form
            cuts.append(len(hashed))
        self.hashed = bytes(hashed)

    def checked_new(
        self,
        known: set[str],
        check: Callable[[Mapping[str, Any]], None] | None,
        result: AppendResult,
    ) -> list[int]:
        """The places of the entries not `known`, in order, each checked, made known and counted
        in `result` (the others' ids are listed there as existing). `check` sees each as a dict
        of what it needs (`entry_to_check`); where it has a quicker way for a claim that changes
        none (a method `claim(id, metric, unit, source, as_of)`, as the import's check has),
        such a claim is checked by its facts alone: an import has 100,000 of them."""
        places: list[int] = []
        existing = result.existing
        quick = getattr(check, "claim", None)
        for place, (entry_id, refers, facts) in enumerate(
            zip(self.ids, self.refers, self.facts, strict=True)
        ):
            if entry_id in known:
                existing.append(entry_id)
                continue
            known.add(entry_id)
            if quick is not None and facts is not None and not refers:
                quick(entry_id, *facts)
            elif check is not None:
                check(self.entry_to_check(place))
            places.append(place)
        kinds = self.kinds
        result.written += len(places)
        result.claims_written += sum(kinds[place] == "claim" for place in places)
        return places

    def entry_to_check(self, place: int) -> dict[str, Any]:
        """What a check needs of the entry at `place`: its id and kind, the claim it supersedes
        or retracts, a claim's metric, unit, source and as-of."""
        kind = self.kinds[place]
        entry = {"id": self.ids[place], "kind": kind}
        if refers := self.refers[place]:
            entry["target" if kind == "retraction" else "supersedes"] = refers
        if facts := self.facts[place]:
            entry["metric"], entry["unit"], entry["source"], entry["as_of"] = facts
        return entry

    def chained_lines(
        self,
        known: set[str],
        check: Callable[[Mapping[str, Any]], None] | None,
        previous: str,
        result: AppendResult,
    ) -> Generator[tuple[bytes, Any], None, str]:
        """As `Ledger.append` takes entries, in one loop (an import has 100,000 of them): the
        line of each entry not `known`, checked (`checked_new`), chained after `previous`, with
        what `kept` made of it (None without `kept`); returns the last hash. The entries are
        counted in `result`, not kept: an import's memory is its parts', not its ledger's."""
        places = self.checked_new(known, check, result)
        hashed, cuts, sha256 = self.hashed, self.cuts, hashlib.sha256
        kept = self.kept
        for place in places:
            start, prev_at, end = cuts[2 * place], cuts[2 * place + 1], cuts[2 * place + 2]
            before, after = hashed[start:prev_at], hashed[prev_at:end]
            prev = previous.encode()
            previous = sha256(b"".join((before, prev, after))).hexdigest()[:HASH_LENGTH]
            # The hashed form, its hash added last: the line a dict in that order would give.
            line = b"".join((before, prev, after[:-1], b',"hash":"', previous.encode(), b'"}'))
            yield line, None if kept is None else kept[place]
        return previous


def entry_id(entry: Mapping[str, Any]) -> str:
    """The id of an entry that is not a claim: a hash of its content (chain and id aside)."""
    return _digest({k: v for k, v in entry.items() if k not in ("id", "prev", "hash")})

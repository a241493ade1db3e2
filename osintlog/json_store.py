"""The JSON ledger file, a `store.Store`: its layout (indented JSON, each entry one line of compact
JSON), read with orjson and refused unless it is a ledger, and written atomically (a temporary
file beside it, fsync, rename), the new entries streamed into it as they come.

The file is a TinyDB database, and `JsonFileStore` its TinyDB storage too, so a script can open
a ledger read-only with `TinyDB(path, storage=JsonFileStore)`."""

from __future__ import annotations

import itertools
import os
import stat
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import orjson
from tinydb.storages import Storage

from osintlog.atomic import atomic_write
from osintlog.errors import LedgerCorrupt
from osintlog.store import SCHEMA_VERSION, NewLine, Stored, file_signature

META_TABLE = "_osintlog"
ENTRIES_TABLE = "entries"


class JsonFileStore(Storage):
    """A ledger in one JSON file: read with orjson, written atomically; refuses a file that is
    no ledger. `load`, `append` and `size` are the `store.Store`; `read`, `write` and `close`
    TinyDB's `Storage`."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        # The file as last loaded, and the signature it had: a command that reads the ledger,
        # then takes the lock and reads it again to append (`add`), parses it once.
        self._loaded: tuple[tuple[int, ...], Stored] | None = None

    def load(self) -> Stored:
        signature = self._signature()
        if self._loaded is not None and signature is not None and self._loaded[0] == signature:
            return self._loaded[1]
        data = self.read() or {}
        table = data.get(ENTRIES_TABLE, {})
        entries = [table[key] for key in sorted(table, key=int)]
        header = next(iter(data.get(META_TABLE, {}).values()), None)
        stored = Stored(header, entries, raw=data)
        self._loaded = (signature, stored) if signature is not None else None
        return stored

    def _signature(self) -> tuple[int, ...] | None:
        # A write renames a new file over the ledger: a new inode, times and size.
        return file_signature(self.path)

    def append(self, stored: Stored, lines: Iterable[NewLine]) -> None:
        self._loaded = None  # written or not, the next load reads the file again
        data = dict(stored.raw or {})
        if META_TABLE not in data and stored.header is not None:
            data[META_TABLE] = {"1": stored.header}
        if stored.upgraded:
            data[ENTRIES_TABLE] = {str(n): e for n, e in enumerate(stored.entries, 1)}
        table = data.setdefault(ENTRIES_TABLE, {})
        first = max(map(int, table), default=0) + 1
        atomic_write(self.path, ledger_chunks(data, (line for line, _ in lines), first))

    def size(self) -> int | None:
        try:
            return self.path.stat().st_size
        except OSError:
            return None

    def read(self) -> dict[str, dict[str, Any]] | None:
        try:
            if not stat.S_ISREG(os.stat(self.path).st_mode):  # /dev/zero, a pipe: never read
                raise LedgerCorrupt(f"{self.path} is no ledger: it is not a regular file")
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as error:
            raise LedgerCorrupt(f"cannot read ledger {self.path}: {error.strerror}") from error
        if not raw.strip():
            return None
        try:
            data = orjson.loads(raw)
        except orjson.JSONDecodeError as error:
            raise LedgerCorrupt(
                f"{self.path} is not an osintlog ledger (not valid JSON: {error}); "
                "it was left untouched — point --db at another file"
            ) from error
        check_ledger_shape(self.path, data)
        return data

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        atomic_write(self.path, ledger_chunks(data))

    def close(self) -> None:
        pass


# Stands for the entries table while the rest is serialised: orjson writes a NUL in text as \u0000,
# so this byte is nowhere else in its output.
_ENTRIES_HERE = b"\0"
# The file is handed to the disk in pieces of about this many bytes, while the next are made.
_CHUNK = 1 << 20


def ledger_chunks(
    data: Mapping[str, Mapping[str, Any]], added: Iterable[bytes] = (), first: int = 1
) -> Iterator[bytes | bytearray]:
    """The ledger file, in pieces: indented JSON, but each entry on one line, as compact JSON.

    In git a new entry is a new line, and the file is a fifth smaller than indented throughout.
    An entry's keys are those its hash is taken over, sorted, then its hash (see `chain`).
    `added` are the lines of more entries, numbered from `first` on, made while the file is
    written (see `Ledger.append`).
    """
    if ENTRIES_TABLE not in data:
        yield orjson.dumps(data, option=orjson.OPT_INDENT_2)
        return
    rest = {**data, ENTRIES_TABLE: orjson.Fragment(_ENTRIES_HERE)}
    before, _, after = orjson.dumps(rest, option=orjson.OPT_INDENT_2).partition(_ENTRIES_HERE)
    text = bytearray(before)
    separator = b"{\n    "
    lines = itertools.chain(
        (
            (orjson.dumps(number), orjson.dumps(entry))
            for number, entry in data[ENTRIES_TABLE].items()
        ),
        ((b'"%d"' % number, line) for number, line in enumerate(added, first)),
    )
    # Each line is appended at once and let go: orjson's bytes each keep a large buffer while held.
    for key, line in lines:
        text += separator
        text += key
        text += b": "
        text += line
        separator = b",\n    "
        if len(text) > _CHUNK:
            yield text
            text = bytearray()
    text += b"{}" if separator == b"{\n    " else b"\n  }"
    text += after
    yield text


def check_ledger_shape(path: Path, data: Any) -> None:
    """Refuse anything but a ledger of a schema this osintlog knows."""
    refusal = f"{path} is not an osintlog ledger"
    if not isinstance(data, dict) or not isinstance(data.get(META_TABLE), dict):
        raise LedgerCorrupt(f"{refusal} (no osintlog header); it was left untouched")
    meta = next(iter(data[META_TABLE].values()), None)
    schema = meta.get("schema") if isinstance(meta, dict) else None
    if not isinstance(schema, int):
        raise LedgerCorrupt(f"{refusal} (its header has no schema version); left untouched")
    if schema > SCHEMA_VERSION:
        raise LedgerCorrupt(
            f"{path} was written by a newer osintlog (schema {schema}); upgrade osintlog to read it"
        )
    entries = data.get(ENTRIES_TABLE, {})
    if not isinstance(entries, dict) or not all(isinstance(e, dict) for e in entries.values()):
        raise LedgerCorrupt(f"{refusal} (its entries are not records); left untouched")

"""A file written whole or not at all: a temporary file beside it, fsync, rename; a process
killed on the way leaves the file as it was (and, where Linux allows, no temporary file)."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path

from osintlog.errors import LedgerWriteFailed


def atomic_write(
    path: Path, chunks: Iterable[bytes | bytearray], kept: str = "the ledger is unchanged"
) -> None:
    """Write to a temporary file beside `path`, fsync it, then rename it over `path`; if making
    the chunks raises, or the disk refuses (LedgerWriteFailed, whose message ends with `kept`),
    the file is left as it was. The file keeps its mode; a new one takes the user's umask.

    Where Linux allows, the temporary file has no name until it is complete (O_TMPFILE), so that
    a process killed while it writes (an import writes as it checks) leaves nothing behind.
    """
    temporary: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = _temporary_file(path)
    except OSError as error:
        raise LedgerWriteFailed(f"cannot write {path}: {error.strerror}") from error
    try:
        with os.fdopen(descriptor, "wb") as handle:
            for chunk in chunks:
                handle.write(chunk)
            handle.flush()
            os.fsync(handle.fileno())
            if temporary is None:
                temporary = _name_file(handle.fileno(), path)
        os.chmod(temporary, _mode_for(path))
        os.replace(temporary, path)
    except OSError as error:
        _remove(temporary)
        raise LedgerWriteFailed(f"cannot write {path}: {error.strerror}; {kept}") from error
    except BaseException:
        _remove(temporary)
        raise
    _fsync_folder(path.parent)


def _mode_for(path: Path) -> int:
    """The mode a file written at `path` takes: the file's own, or for a new one what the
    user's umask leaves of rw-rw-rw-."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask


def _temporary_file(path: Path) -> tuple[int, str | None]:
    """A file to write beside `path`: without a name where Linux allows, else a hidden one."""
    if hasattr(os, "O_TMPFILE") and os.path.isdir("/proc/self/fd"):
        with contextlib.suppress(OSError):  # not every file system has them
            return os.open(path.parent, os.O_TMPFILE | os.O_WRONLY, 0o600), None
    return tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")


def _name_file(descriptor: int, path: Path) -> str:
    """Give a file without a name a hidden one beside `path`, to rename it over `path`."""
    name = f".{path.name}.{os.urandom(6).hex()}.tmp"
    folder = os.open(path.parent, os.O_RDONLY)
    try:  # a folder descriptor makes Python call linkat, which follows the /proc link
        os.link(f"/proc/self/fd/{descriptor}", name, dst_dir_fd=folder, follow_symlinks=True)
    finally:
        os.close(folder)
    return str(path.parent / name)


def _remove(temporary: str | None) -> None:
    if temporary is not None:
        with contextlib.suppress(OSError):
            os.unlink(temporary)


def _fsync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)

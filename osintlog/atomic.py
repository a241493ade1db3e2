"""A file written whole or not at all: a temporary file beside it, fsync, rename; a process
killed on the way leaves the file as it was (and, where Linux allows, no temporary file)."""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterable
from pathlib import Path

from osintlog.errors import LedgerWriteFailed

# A large file is sent to the disk as it is written, this many bytes at a time, so that the
# fsync that ends it has little left to wait for: an import writes while other processes check
# its rows, and the last fsync of a 70 MB ledger took 40-90 ms, after them, on one core.
_SYNC_EVERY = 16 << 20


def atomic_write(
    path: Path, chunks: Iterable[bytes | bytearray], kept: str = "the ledger is unchanged"
) -> None:
    """Write to a temporary file beside `path`, fsync it, then rename it over `path`; if making
    the chunks raises, or the disk refuses (LedgerWriteFailed, whose message ends with `kept`),
    the file is left as it was.

    A symbolic link is written through: the file it points to is replaced, the link stays. The
    file keeps its mode, and its owner and group where the user may give them (so one
    `sudo osintlog add` leaves a ledger its owner can still write); a new file takes the
    user's umask.

    Where Linux allows, the temporary file has no name until it is complete (O_TMPFILE), so that
    a process killed while it writes (an import writes as it checks) leaves nothing behind.
    """
    target = written_path(path)
    temporary: str | None = None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        existing = _status(target)
        if existing is not None and not may_write(target, existing):
            raise LedgerWriteFailed(
                f"{path} is read-only (mode {stat.filemode(existing.st_mode)}): it was not "
                f"written; {kept} (chmod u+w it to let osintlog write)"
            )
        descriptor, temporary = _temporary_file(target)
    except OSError as error:
        raise LedgerWriteFailed(f"cannot write {path}: {error.strerror}") from error
    try:
        with os.fdopen(descriptor, "wb") as handle:
            unsynced = 0
            for chunk in chunks:
                handle.write(chunk)
                unsynced += len(chunk)
                if unsynced >= _SYNC_EVERY:
                    handle.flush()
                    os.fsync(handle.fileno())
                    unsynced = 0
            handle.flush()
            _keep_mode_and_owner(handle.fileno(), existing)
            os.fsync(handle.fileno())
            if temporary is None:
                temporary = _name_file(handle.fileno(), target)
        os.replace(temporary, target)
    except OSError as error:
        _remove(temporary)
        raise LedgerWriteFailed(f"cannot write {path}: {error.strerror}; {kept}") from error
    except BaseException:
        _remove(temporary)
        raise
    _fsync_folder(target.parent)


def written_path(path: Path) -> Path:
    """The file a write to `path` replaces: the path itself, or the file its symbolic links
    lead to (which need not exist yet)."""
    return Path(os.path.realpath(path)) if path.is_symlink() else path


def may_write(path: Path, existing: os.stat_result) -> bool:
    """Whether the user may write the file itself. A rename replaces a file its folder lets the
    user replace, whatever the file's own mode: that mode is honoured here. For root, who may
    write anything, a file nobody may write (chmod 444) is read-only all the same."""
    if os.geteuid() == 0:
        return bool(existing.st_mode & 0o222)
    return os.access(path, os.W_OK)


def _status(path: Path) -> os.stat_result | None:
    try:
        return path.stat()
    except FileNotFoundError:
        return None


def _keep_mode_and_owner(descriptor: int, existing: os.stat_result | None) -> None:
    """Give the new file the old one's mode, owner and group; a new file what the user's umask
    leaves of rw-rw-rw-. An owner the user may not give (another user's file) is left as it
    is: the user's own, as any editor's save would leave it."""
    if existing is None:
        mask = os.umask(0)
        os.umask(mask)
        os.fchmod(descriptor, 0o666 & ~mask)
        return
    with contextlib.suppress(OSError):
        if (existing.st_uid, existing.st_gid) != (os.geteuid(), os.getegid()):
            os.fchown(descriptor, existing.st_uid, existing.st_gid)
    os.fchmod(descriptor, stat.S_IMODE(existing.st_mode))


def _temporary_file(path: Path) -> tuple[int, str | None]:
    """A file to write beside `path`: without a name where Linux allows, else a hidden one."""
    if hasattr(os, "O_TMPFILE") and os.path.isdir("/proc/self/fd"):
        with contextlib.suppress(OSError):  # not every file system has them
            return os.open(path.parent, os.O_TMPFILE | os.O_WRONLY, 0o600), None
    import tempfile  # only where there is no O_TMPFILE: most runs never need it

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

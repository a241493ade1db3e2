"""A full disk or a read-only folder: a clear error, and the original ledger intact.

The faults are the operating system's errors raised where the ledger writes (the temporary
file, fsync, rename): the real storage code runs, on a real file, up to the failing call."""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.reliability


def fail_with(code: int):
    def failing(*args, **kwargs):
        raise OSError(code, os.strerror(code))

    return failing


@pytest.mark.json_file
@pytest.mark.parametrize(
    ("target", "code", "says"),
    [
        ("fsync", errno.ENOSPC, "No space left on device"),
        ("replace", errno.EROFS, "Read-only file system"),
        ("mkstemp", errno.EACCES, "Permission denied"),
    ],
)
def test_write_failures_leave_the_ledger_intact(cli, seeded, monkeypatch, target, code, says):
    before = seeded.read_bytes()
    if target == "mkstemp":  # a file with a name: where a file without one cannot be made
        monkeypatch.delattr(os, "O_TMPFILE", raising=False)
        monkeypatch.setattr(tempfile, "mkstemp", fail_with(code))
    else:
        monkeypatch.setattr(os, target, fail_with(code))
    result = cli.fails("add", "f.x", "5", "--source", "S")
    assert result.stderr.startswith("error: cannot write ")
    assert says in result.stderr
    assert result.stderr.count("\n") == 1
    monkeypatch.undo()
    assert seeded.read_bytes() == before
    assert not [p for p in seeded.parent.iterdir() if p.name.endswith(".tmp")]
    assert cli.ok("--db", str(seeded), "verify").stdout == ""  # undo() dropped OSINTLOG_DB


def test_a_ledger_in_a_folder_that_cannot_be_created(cli, tmp_path: Path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    result = cli.fails("--db", str(blocker / "ledger.json"), "add", "f.x", "5", "--source", "S")
    assert result.stderr.startswith("error: cannot ")
    assert blocker.read_text() == "not a folder"


def test_an_unreadable_ledger_is_a_clear_error(cli, tmp_path: Path):
    folder = tmp_path / "ledger.json"
    folder.mkdir()
    result = cli.fails("--db", str(folder), "list")
    assert "is no ledger: it is not a regular file" in result.stderr


@pytest.mark.json_file
def test_a_large_write_is_sent_to_the_disk_as_it_goes(cli, seeded, monkeypatch):
    """A large ledger is synced every so many bytes while it is written (here: every chunk), so
    that the last fsync has little left; a disk that fails at one of those syncs leaves the
    ledger as it was, like a failure at the last."""
    from osintlog import atomic

    monkeypatch.setattr(atomic, "_SYNC_EVERY", 1)
    real_fsync, synced = os.fsync, []
    monkeypatch.setattr(os, "fsync", lambda fd: synced.append(fd) or real_fsync(fd))
    before = seeded.read_bytes()
    cli.ok("add", "f.x", "5", "--source", "S")
    # the chunk written (a small ledger is one), then the whole file and its folder
    assert len(synced) == 3
    assert len(seeded.read_bytes()) > len(before)
    assert cli.ok("list", "--metric", "f.x", "--format", "csv").stdout.count("\n") == 2

    written = seeded.read_bytes()
    monkeypatch.setattr(os, "fsync", fail_with(errno.ENOSPC))  # the first is the chunk's
    result = cli.fails("add", "f.x", "6", "--source", "S")
    assert "No space left on device" in result.stderr
    monkeypatch.undo()
    assert seeded.read_bytes() == written
    assert cli.ok("--db", str(seeded), "verify").stdout == ""

"""The shape of the project: a core that imports no CLI or Rich, and docs in step with --help."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from osintlog.cli import app

ROOT = Path(__file__).resolve().parent.parent
CORE = [
    "figures",
    "dates",
    "claims",
    "ledger",
    "integrity",
    "views",
    "formats",
    "extract",
    "workers",
]


def test_the_core_imports_neither_typer_nor_rich():
    modules = [m for m in CORE if (ROOT / "osintlog" / f"{m}.py").exists()]
    code = (
        "import sys\n"
        + "".join(f"import osintlog.{m}\n" for m in modules)
        + "print(sorted(n for n in sys.modules if n.split('.')[0] in ('typer', 'rich', 'click')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_every_command_has_help_and_is_in_the_readme():
    import typer.main

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    group = typer.main.get_command(app)
    for name, command in group.commands.items():
        assert command.help, f"{name} has no help"
        assert "Example:" in command.help, f"{name}'s help has no example"
        assert (
            f"`{name}" in readme
            or f"osintlog {name}" in readme
            or f"--db demo.json {name}" in readme
        ), name


def test_the_executables_quick_help_is_the_full_help():
    """`osintlog --help` registers stand-ins without options to start faster; what it prints
    must be what the fully built app prints."""
    import shutil

    executable = shutil.which("osintlog", path=str(Path(sys.executable).parent))
    assert executable
    env = {"COLUMNS": "100"}
    built = "from osintlog.cli import app; app(prog_name='osintlog')"
    full = subprocess.run([sys.executable, "-c", built, "--help"], capture_output=True, env=env)
    assert full.returncode == 0 and b"chart" in full.stdout and b"sources" in full.stdout
    for argv in (["--help"], ["-h"]):
        quick = subprocess.run([executable, *argv], capture_output=True, env=env)
        assert quick.returncode == 0
        assert quick.stdout == full.stdout

"""The shape of the project: a core that imports no CLI or Rich, and docs in step with --help."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from osintlog.cli import app

ROOT = Path(__file__).resolve().parent.parent
CORE = [
    "figures",
    "units",
    "shown",
    "dates",
    "date_words",
    "periods",
    "fields",
    "claims",
    "query",
    "chain",
    "store",
    "atomic",
    "json_store",
    "ledger",
    "integrity",
    "declarations",
    "views",
    "timeline",
    "comparison",
    "charts",
    "formats",
    "extract",
    "figure_dates",
    "workers",
    "importing",
    "api",
]
MODULES = sorted((ROOT / "osintlog").rglob("*.py"))


def test_the_core_imports_neither_typer_nor_rich():
    modules = [m for m in CORE if (ROOT / "osintlog" / f"{m}.py").exists()]
    code = (
        "import sys\n"
        + "".join(f"import osintlog.{m}\n" for m in modules)
        + "print(sorted(n for n in sys.modules if n.split('.')[0] in ('typer', 'rich', 'click')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_version_is_answered_without_typer_by_the_executable_and_python_m():
    from osintlog import __version__

    executable = Path(sys.executable).with_name("osintlog")  # the installed entry point
    for argv in ([str(executable), "-V"], [sys.executable, "-m", "osintlog", "--version"]):
        env = dict(os.environ, PYTHONPROFILEIMPORTTIME="1")  # each import, on stderr
        done = subprocess.run(argv, capture_output=True, text=True, check=True, env=env)
        assert done.stdout == f"osintlog {__version__}\n"
        imported = {line.rpartition("|")[2].strip() for line in done.stderr.splitlines()}
        assert "osintlog" in imported
        loaded = {name for name in imported if name.split(".")[0] in ("typer", "rich", "click")}
        assert loaded | ({"osintlog.cli"} & imported) == set()


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


def test_the_list_in_help_is_every_command_as_click_would_list_it():
    """The app makes a command a Click command only when it is named, and lists them in
    `--help` from their docstrings: the list must be what the commands, all made, would give."""
    import shutil

    import typer.main

    group = typer.main.get_command(app)
    shown = {n: c for n, c in group.commands.items() if not c.hidden}
    width = 78 - 6 - max(map(len, shown))  # Click's help is 78 wide at most
    expected = [
        f"  {n:<{max(map(len, shown))}}  {c.get_short_help_str(width)}".rstrip()
        for n, c in shown.items()
    ]
    executable = shutil.which("osintlog", path=str(Path(sys.executable).parent))
    assert executable
    for argv in (["--help"], ["-h"]):
        printed = subprocess.run(
            [executable, *argv], capture_output=True, text=True, env={"COLUMNS": "100"}
        )
        assert printed.returncode == 0
        listed = printed.stdout.split("Commands:\n", 1)[1].rstrip("\n").splitlines()
        assert [line.rstrip() for line in listed] == expected
        assert "git-merge-driver" not in printed.stdout


def _imports_at_load(path: Path) -> set[str]:
    """The osintlog modules a module imports when it is loaded (not those imported inside a
    function, or only for the type checker)."""
    import ast

    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            continue
        for inner in ast.walk(node):
            if isinstance(inner, ast.ImportFrom) and (inner.module or "").startswith("osintlog"):
                names.add(inner.module)  # type: ignore[arg-type]
                names.update(f"{inner.module}.{alias.name}" for alias in inner.names)
            elif isinstance(inner, ast.Import):
                names.update(a.name for a in inner.names if a.name.startswith("osintlog"))
            if isinstance(inner, ast.FunctionDef | ast.AsyncFunctionDef):
                break
    return names


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def test_no_module_imports_itself_round_a_cycle():
    known = {_module_name(path): path for path in MODULES}
    graph = {
        name: {m for m in _imports_at_load(path) if m in known and m != name}
        for name, path in known.items()
    }
    visiting: list[str] = []
    done: set[str] = set()

    def visit(name: str) -> None:
        assert name not in visiting, " -> ".join([*visiting[visiting.index(name) :], name])
        if name in done:
            return
        visiting.append(name)
        for target in graph[name]:
            visit(target)
        visiting.pop()
        done.add(name)

    for name in graph:
        visit(name)


def test_no_module_is_over_650_lines():
    sizes = {path.name: len(path.read_text(encoding="utf-8").splitlines()) for path in MODULES}
    assert {name: size for name, size in sizes.items() if size > 650} == {}

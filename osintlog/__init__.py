"""osintlog: a ledger of figures quoted in open-source reporting.

The Python API (README, "Python API"): `osintlog.Ledger(path)` opens a ledger; its methods
select claims (`claims`, with the filters of `list`, or an `osintlog.Query`), give the views as
plain rows (`timeline`, `compare`, `summaries`, `metrics`, `sources`) and add, amend, retract,
import and merge claims. Errors are `osintlog.errors.OsintlogError`s. The names are loaded when
first used, so that `import osintlog` stays as light as the CLI's start needs.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"
__all__ = ["Added", "ImportReport", "Ledger", "OsintlogError", "Query", "__version__"]

_HOMES = {
    "Added": "osintlog.api",
    "Ledger": "osintlog.api",
    "ImportReport": "osintlog.importing",
    "Query": "osintlog.query",
    "OsintlogError": "osintlog.errors",
}


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module 'osintlog' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(_HOMES[name]), name)

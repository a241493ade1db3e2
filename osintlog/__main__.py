"""The `osintlog` executable and `python -m osintlog`: its way in and out. `--version` is
answered before anything else is imported (Typer and the commands take most of a tenth of a
second to import); every other call goes to the command line, `cli.run`."""

import contextlib
import gc
import os
import sys
from typing import NoReturn


def main() -> NoReturn:
    """The `osintlog` executable.

    A command is a short-lived process that builds large trees of claims and leaves no cycles
    behind, so the cyclic garbage collector (which would rescan those trees again and again
    during a large import) is turned off; reference counting frees memory as usual. Output that
    cannot be written (a full disk) is one line on stderr and exit code 2, as any other error.
    """
    gc.disable()
    _open_closed_streams()
    try:
        if sys.argv[1:] in (["--version"], ["-V"]):
            from osintlog import __version__

            sys.stdout.write(f"osintlog {__version__}\n")
            code: int | str | None = 0
        else:
            from osintlog.cli import run

            code = run()
    except OSError as error:  # the core raises its own errors: this is stdout failing
        code = output_failed(error)
    leave(code)


def _open_closed_streams() -> None:
    """Started with stdin, stdout or stderr closed (`<&-`, `>&-`), Python has None for it: it is
    the null device instead, as the shell asked (nothing to read, what is written goes nowhere),
    and the command runs as it would otherwise: a closed stderr made `add` fail where it had a
    warning to give, a closed stdin made `import -` blame the ledger."""
    for name, mode in (("stdin", "r"), ("stdout", "w"), ("stderr", "w")):
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, mode, encoding="utf-8"))  # noqa: SIM115


def output_failed(error: OSError) -> int:
    """The exit code for output that cannot be written, after one line saying why."""
    if isinstance(error, BrokenPipeError):  # the reader left (`| head`): nothing more to say
        return 1
    with contextlib.suppress(OSError):
        sys.stderr.write(f"error: cannot write the output: {error.strerror or error}\n")
    return 2


def leave(code: int | str | None) -> NoReturn:
    """End the process without the interpreter's tear-down, which frees every object one at a
    time (a tenth of a second after a command over 100,000 claims) only for the system to take
    the memory back anyway. Everything written is flushed first; the ledger is already on disk."""
    status = code if isinstance(code, int) else int(code is not None)
    try:
        sys.stdout.flush()
    except OSError as error:
        status = status or output_failed(error)
    with contextlib.suppress(OSError, ValueError):
        sys.stderr.flush()
    os._exit(status)


if __name__ == "__main__":
    main()

"""The `osintlog` executable and `python -m osintlog`. `--version` is answered before anything
else is imported (Typer and the commands take most of a tenth of a second to import); every other
call goes to the command line, `cli.main`."""

import sys


def main() -> None:
    if sys.argv[1:] in (["--version"], ["-V"]):
        from osintlog import __version__

        print(f"osintlog {__version__}")
        return
    from osintlog.cli import main as command_line

    command_line()


if __name__ == "__main__":
    main()

"""`python -m osintlog` runs the command line."""

from osintlog.cli import main

main()

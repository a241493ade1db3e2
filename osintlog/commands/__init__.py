"""The commands, a module for each group of them; `osintlog.cli` puts them on one app."""

"""osintlog: a ledger of figures quoted in open-source reporting."""

__version__ = "0.1.0"

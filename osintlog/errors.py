"""The project's own exceptions: every failure a user can cause is one of these."""


class OsintlogError(Exception):
    """Base class: the CLI prints the message on one line and exits with `exit_code`."""

    exit_code = 2


class BadFigure(OsintlogError):
    """A figure's text is not one of the accepted forms."""


class BadDate(OsintlogError):
    """A date's text cannot be read, or is ambiguous."""


class BadClaim(OsintlogError):
    """A claim field (metric, rating, tag, ...) is missing or malformed."""


class UnknownClaim(OsintlogError):
    """No claim has the given id or prefix."""


class AmbiguousId(OsintlogError):
    """An id prefix matches more than one claim."""


class UnknownMetric(OsintlogError):
    """A view was asked for a metric that the ledger does not hold."""


class LedgerCorrupt(OsintlogError):
    """The ledger file is not a valid osintlog ledger; it is never overwritten."""


class LedgerMissing(OsintlogError):
    """A command that reads the ledger found none at its path."""


class LedgerBusy(OsintlogError):
    """Another osintlog process held the ledger's lock for longer than the timeout."""


class LedgerWriteFailed(OsintlogError):
    """The ledger could not be written (disk full, read-only, ...); the old file is intact."""


class BadInput(OsintlogError):
    """A file given to import (or another command) cannot be read as claims."""


class BadSetting(OsintlogError):
    """An environment variable osintlog reads has a value it cannot use."""


class NotAllowed(OsintlogError):
    """An amend or retraction that the append-only rules refuse."""


class Declined(OsintlogError):
    """The user said no when asked to confirm: nothing was written (exit 1, as DESIGN says)."""

    exit_code = 1


class Interrupted(OsintlogError):
    """Ctrl-C: the message says what was kept (exit 130, as DESIGN says)."""

    exit_code = 130


class VerifyFailed(OsintlogError):
    """The ledger fails verification: an entry was altered, removed or inserted by hand."""

    exit_code = 1


class MisalignedParts(Exception):
    """Not a user's error: a file cut into parts for several processes was cut inside a record
    (a quote inside an unquoted cell hid it). The caller reads the file in one part instead."""

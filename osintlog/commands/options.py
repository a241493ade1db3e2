"""The options commands share: their types, and groups of them a command takes as one dict.

A command's parameter whose default is an `OptionGroup` stands for that group's options: the
`with_groups` decorator puts the options in its place (so `--help` lists them there) and calls
the command with one dict of their values. `add` and `amend` share a claim's fields and how
dates are read; `list` and `export` the filters of a query.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Annotated, Any, TypeVar

import typer

from osintlog.errors import BadClaim
from osintlog.formats import MACHINE_FORMATS, OutputFormat

FormatOption = Annotated[
    OutputFormat,
    typer.Option(
        "--format", "-f", help=f"table for people; {', '.join(MACHINE_FORMATS)} for scripts."
    ),
]
DayFirst = Annotated[bool, typer.Option("--dayfirst", help="Read 04/05/2025 as 4 May 2025.")]
MonthFirst = Annotated[bool, typer.Option("--monthfirst", help="Read 04/05/2025 as April 5.")]
FutureOption = Annotated[
    bool,
    typer.Option(
        "--future", help="The as-of lies after the report on purpose: a plan or a forecast."
    ),
]
MetricGlob = Annotated[
    str | None, typer.Option("--metric", "-m", help="Metric, or a glob: 'dprk.troops.*'.")
]
SourceOption = Annotated[str | None, typer.Option("--source", "-s", help="Source (any case).")]
TagOption = Annotated[str | None, typer.Option("--tag", "-t", help="Only claims with this tag.")]
SinceOption = Annotated[str | None, typer.Option(help="As-of on or after this date (inclusive).")]
UntilOption = Annotated[
    str | None, typer.Option(help="As-of on or before this date; 2025-04 takes all of April.")
]
SearchOption = Annotated[
    str | None, typer.Option(help="Text to find in the quote, note, source, url, ...")
]
AsOfOption = Annotated[str | None, typer.Option(help="Date the figure describes.")]
ReportedOption = Annotated[str | None, typer.Option(help="Date the report was published.")]
UnitOption = Annotated[str | None, typer.Option(help="What is counted: soldiers, shells.")]
ViaOption = Annotated[str | None, typer.Option(help="The outlet you read it in.")]
UrlOption = Annotated[str | None, typer.Option(help="Where the report is.")]
QuoteOption = Annotated[str | None, typer.Option(help="The sentence the figure is in.")]
RatingOption = Annotated[str | None, typer.Option(help="Admiralty code: B2; F6 = not judged.")]
TagsOption = Annotated[list[str] | None, typer.Option("--tag", help="A tag; repeat for more.")]
NoteOption = Annotated[str | None, typer.Option(help="Your own remark.")]
YesOption = Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")]
AllOption = Annotated[bool, typer.Option("--all", help="Include superseded and retracted claims.")]
LimitOption = Annotated[
    int | None, typer.Option(min=1, help="Only the N latest claims (in timeline order).")
]


def date_order(dayfirst: bool, monthfirst: bool) -> str | None:
    if dayfirst and monthfirst:
        raise BadClaim("--dayfirst and --monthfirst contradict each other; give one")
    return "dayfirst" if dayfirst else "monthfirst" if monthfirst else None


def choices(name: str, values: Iterable[str]) -> type[Enum]:
    """An option's choices as Typer takes them (a str Enum), from the core's one list of them."""
    return Enum(name, {value.replace("-", "_"): value for value in values}, type=str)  # type: ignore[return-value]


@dataclass(frozen=True)
class OptionGroup:
    """Options by parameter name (type, default), and what the command is given of them."""

    options: Mapping[str, tuple[Any, Any]]
    given: Callable[[dict[str, Any]], dict[str, Any]] = dict


def _claim_fields(values: dict[str, Any]) -> dict[str, Any]:
    values["tags"] = values.pop("tag") or []
    return values


def _reading(values: dict[str, Any]) -> dict[str, Any]:
    return {
        "future": values["future"],
        "order": date_order(values["dayfirst"], values["monthfirst"]),
    }


CLAIM_FIELDS = OptionGroup(
    {
        "source": (SourceOption, None),
        "as_of": (AsOfOption, None),
        "reported": (ReportedOption, None),
        "unit": (UnitOption, None),
        "via": (ViaOption, None),
        "url": (UrlOption, None),
        "quote": (QuoteOption, None),
        "rating": (RatingOption, None),
        "tag": (TagsOption, None),
        "note": (NoteOption, None),
    },
    _claim_fields,
)
"""A claim's fields, as `add` and `amend` take them (a claim's `tags` from --tag)."""

READING = OptionGroup(
    {
        "future": (FutureOption, False),
        "dayfirst": (DayFirst, False),
        "monthfirst": (MonthFirst, False),
    },
    _reading,
)
"""How the dates of a new claim are read: `future` and the date `order`."""

QUERY = OptionGroup(
    {
        "metric": (MetricGlob, None),
        "source": (SourceOption, None),
        "tag": (TagOption, None),
        "since": (SinceOption, None),
        "until": (UntilOption, None),
        "search": (SearchOption, None),
        "include_all": (AllOption, False),
        "limit": (LimitOption, None),
    }
)
"""The filters of `list` and `export`, as `api.Ledger.query` takes them."""

Command = TypeVar("Command", bound=Callable[..., Any])


def with_groups(command: Command) -> Command:
    """The command with each parameter whose default is an OptionGroup made that group's
    options, in its place; the command is called with one dict of them under its name."""
    signature = inspect.signature(command, eval_str=True)
    groups = {
        name: parameter.default
        for name, parameter in signature.parameters.items()
        if isinstance(parameter.default, OptionGroup)
    }
    parameters = []
    for name, parameter in signature.parameters.items():
        if name not in groups:
            parameters.append(parameter)
            continue
        parameters += [
            inspect.Parameter(option, parameter.kind, default=default, annotation=kind)
            for option, (kind, default) in groups[name].options.items()
        ]

    @functools.wraps(command)
    def run(**values: Any) -> Any:
        for name, group in groups.items():
            values[name] = group.given({option: values.pop(option) for option in group.options})
        return command(**values)

    run.__signature__ = signature.replace(parameters=parameters)  # type: ignore[attr-defined]
    run.__annotations__ = {p.name: p.annotation for p in parameters}
    return run  # type: ignore[return-value]

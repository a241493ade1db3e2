"""What a ledger says about its metrics and sources besides claims: each metric's declared unit,
kind and period (`metrics describe`), the names that are one source (`sources alias`), and each
source's standing rating (`sources rate`). All are entries appended like claims; the latest
about a metric or a name wins. From them and the claims: the unit each metric is counted in."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from osintlog.claims import Claim, fold_source, parse_rating
from osintlog.errors import BadClaim, NotAllowed
from osintlog.fields import METRIC_KINDS, METRIC_PERIODS


@dataclass
class MetricDeclaration:
    metric: str
    unit: str | None
    kind: str | None
    period: str | None
    note: str | None

    def entry_fields(self) -> dict[str, str | None]:
        """The fields of the ledger entry that declares it."""
        return {
            "metric": self.metric,
            "unit": self.unit,
            "metric_kind": self.kind,
            "period": self.period,
            "note": self.note,
        }


@dataclass
class Declarations:
    """The metrics' declarations, the sources' aliases and standing ratings, as they stand."""

    metrics: dict[str, MetricDeclaration] = field(default_factory=dict)
    # Folded name -> folded name of the source it is an alias of (one step; see `key`).
    alias_of: dict[str, str] = field(default_factory=dict)
    # Folded name -> the name as the alias command gave it (how a canonical source is shown).
    spelled: dict[str, str] = field(default_factory=dict)
    # Each standing rating set, (folded name, letter), in the order set.
    ratings: list[tuple[str, str]] = field(default_factory=list)

    @classmethod
    def of(cls, entries: Iterable[Mapping[str, Any]]) -> Declarations:
        """From a ledger's entries, in order. An entry that is not what its kind says (a file
        edited by hand: `verify` names it) is passed over."""
        found = cls()
        for entry in entries:
            kind, texts = entry.get("kind"), _texts(entry)
            if kind == "metric" and "metric" in texts:
                found.metrics[texts["metric"]] = MetricDeclaration(
                    texts["metric"],
                    texts.get("unit"),
                    texts.get("metric_kind"),
                    texts.get("period"),
                    texts.get("note"),
                )
            elif kind == "alias" and "name" in texts:
                name = fold_source(texts["name"])
                if "canonical" in texts:
                    found.alias_of[name] = fold_source(texts["canonical"])
                    found.spelled[fold_source(texts["canonical"])] = texts["canonical"]
                else:
                    found.alias_of.pop(name, None)
            elif kind == "rating" and "source" in texts and "reliability" in texts:
                found.ratings.append((fold_source(texts["source"]), texts["reliability"]))
        return found

    def key(self, name: str) -> str:
        """The source a name stands for (folded): itself, or what it is an alias of."""
        key = fold_source(name)
        seen = {key}
        while key in self.alias_of and self.alias_of[key] not in seen:
            key = self.alias_of[key]
            seen.add(key)
        return key

    def aliases(self) -> dict[str, list[str]]:
        """Each canonical source (folded) and the folded names that are aliases of it."""
        found: dict[str, list[str]] = {}
        for name in self.alias_of:
            found.setdefault(self.key(name), []).append(name)
        return found

    def standing(self) -> dict[str, str]:
        """Each source's standing rating by its folded names, canonical and aliases alike (a
        rating set on an alias counts for the source it stands for; the latest set wins)."""
        by_key = {self.key(name): letter for name, letter in self.ratings}
        aliases = {
            name: by_key[self.key(name)] for name in self.alias_of if self.key(name) in by_key
        }
        return {**by_key, **aliases}

    def canonical(self, claims: Iterable[Claim]) -> list[Claim]:
        """The claims as the views see them: a claim from an alias under its source's name."""
        if not self.alias_of:
            return list(claims)
        shown: dict[str, str] = {}
        result = []
        for claim in claims:
            name = claim["source"]
            if name not in shown:
                shown[name] = self.canonical_name(name)
            result.append(claim if shown[name] == name else {**claim, "source": shown[name]})
        return result

    def canonical_name(self, name: str) -> str:
        """The name a source's claims are shown under: an alias's source's, else its own."""
        key = self.key(name)
        return self.spelled.get(key, name) if key != fold_source(name) else name

    def period(self, metric: str) -> str | None:
        """A per-period metric's period (night, day, week, month), else None."""
        declared = self.metrics.get(metric)
        return declared.period if declared and declared.kind == "per-period" else None

    def periods(self) -> dict[str, str]:
        """Each per-period metric's period."""
        return {metric: period for metric in self.metrics if (period := self.period(metric))}

    def kind(self, metric: str) -> str | None:
        declared = self.metrics.get(metric)
        return declared.kind if declared else None


def _texts(entry: Mapping[str, Any]) -> dict[str, str]:
    return {key: value for key, value in entry.items() if isinstance(value, str) and value}


def metric_units(claims: Iterable[Claim], declarations: Declarations) -> dict[str, str]:
    """The unit each metric is counted in: its declared unit, else the unit of its first claim
    that gives one (claims in the order they were logged)."""
    units: dict[str, str] = {}
    for claim in claims:
        if claim["unit"] and claim["metric"] not in units:
            units[claim["metric"]] = claim["unit"]
    units.update({m: d.unit for m, d in declarations.metrics.items() if d.unit})
    return units


def known_name(name: str, names: Iterable[str], what: str = "source") -> str:
    """A name the ledger has seen: as given, if claims give it so; else as claims give it in
    another case or spacing (the first in sorted order, the same in every run); else refused
    with the closest."""
    names = sorted(set(names))
    if name.strip() in names:
        return name.strip()
    folded: dict[str, str] = {}
    for known in names:
        folded.setdefault(fold_source(known), known)
    wanted = fold_source(name)
    if wanted in folded:
        return folded[wanted]
    close = difflib.get_close_matches(wanted, list(folded), n=3, cutoff=0.5)
    hint = f"; closest: {', '.join(folded[c] for c in close)}" if close else ""
    raise NotAllowed(f'no claim names the {what} "{name.strip()}"{hint} (see osintlog sources)')


def unknown_names(given: Iterable[str], names: Iterable[str], what: str = "source") -> list[str]:
    """Of the names `given` (a filter's), what `known_name` says of each that no claim gives in
    any case or spacing: a filter by such a name selects nothing by it, most often a typo."""
    names = set(names)
    unknown = []
    for name in given:
        try:
            known_name(name, names, what)
        except NotAllowed as error:
            unknown.append(str(error))
    return unknown


def reliability_grade(grade: str) -> str:
    """A source's standing reliability as given (`sources rate`): one letter A-F, no digit."""
    reliability, credibility = parse_rating(grade)
    if reliability is None or credibility is not None:
        raise BadClaim(
            f'"{grade}" is not a reliability grade: give one letter A-F '
            "(credibility, the digit, belongs to each claim)"
        )
    return reliability


def alias_target(declared: Declarations, alias: str, canonical: str) -> str:
    """The name an alias declaration gives for `canonical` (as it is shown already, if it
    is a source others are aliases of); refused when the two are one source already."""
    if declared.key(canonical) == declared.key(alias):
        raise NotAllowed(f'"{alias}" and "{canonical}" are one source already')
    return declared.spelled.get(declared.key(canonical), canonical)


def metric_declaration(
    metric: str,
    before: MetricDeclaration | None,
    given: MetricDeclaration,
    units: Mapping[str, str],
) -> MetricDeclaration:
    """A metric's declaration as `given` (unit, kind, period, note; blanks not given), what is
    not given kept from the declaration `before`; checked against itself and `units`."""
    unit = (given.unit or "").strip() or (before.unit if before else None)
    kind = given.kind or (before.kind if before else None)
    period = given.period
    if kind == "per-period":
        period = period or (before.period if before else None)
    note = (given.note or "").strip() or (before.note if before else None)
    if not any((unit, kind, note, given.period)):
        raise BadClaim("say something of the metric: --unit, --kind or --note")
    check_declaration(metric, unit, kind, period, units)
    return MetricDeclaration(metric, unit, kind, period, note)


def check_declaration(
    metric: str, unit: str | None, kind: str | None, period: str | None, units: Mapping[str, str]
) -> None:
    """Refuse a metric declaration that says nothing, or contradicts itself or the claims."""
    if kind is not None and kind not in METRIC_KINDS:
        raise BadClaim(f'--kind "{kind}": use one of {", ".join(METRIC_KINDS)}')
    if period is not None and period not in METRIC_PERIODS:
        raise BadClaim(f'--period "{period}": use one of {", ".join(METRIC_PERIODS)}')
    if kind == "per-period" and period is None:
        raise BadClaim("a per-period metric needs its --period: night, day, week or month")
    if period is not None and kind != "per-period":
        raise BadClaim("--period goes with --kind per-period")
    if unit and metric in units and unit.casefold() != units[metric].casefold():
        raise BadClaim(
            f'the claims of {metric} are counted in "{units[metric]}": a declared unit must be '
            "theirs"
        )

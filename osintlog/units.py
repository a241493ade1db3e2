"""When two units are the same: a figure's noun and the unit given with it, or two claims of one
metric (a metric is counted in one unit)."""

from __future__ import annotations


def same_unit(first: str, second: str) -> bool:
    """Whether two units name the same thing: their last words, in any case, singular or plural
    ("Shahed drones" and "drone" do; "soldiers" and "troops" do not)."""
    return _head_noun(first) == _head_noun(second)


# Nouns that all count people under arms: one metric may give its figures in any of them.
PEOPLE = frozenset(
    "soldier troop fighter serviceman servicemen personnel man men people military infantry "
    "conscript mercenary".split()
)


# Nouns that all count drones: "attack UAVs", "Shaheds" and "drones" are one metric's.
DRONES = frozenset("drone uav uas shahed geran gerbera".split())


def same_metric_unit(first: str, second: str) -> bool:
    """Whether two claims' units may be one metric's: the same unit (`same_unit`), or both
    counting people under arms ("soldiers", "fighters", "troops"), or both drones ("drones",
    "attack UAVs")."""
    if same_unit(first, second):
        return True
    heads = {_head_noun(first), _head_noun(second)}
    return heads <= PEOPLE or heads <= DRONES


def _head_noun(unit: str) -> str:
    """The last word, singular: drones -> drone, casualties -> casualty, boxes -> box."""
    word = unit.split()[-1].casefold() if unit.split() else ""
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("ses", "xes", "zes", "ches", "shes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        return word[:-1]
    return word

"""Dated statutory parameters read from YAML files.

A parameter is a named value that changes on known dates: a VAT rate, a
contribution percentage, a mileage allowance. Each lives in a YAML file under
``params/``; the file's path names it, as in OpenFisca: ``params/vat.yaml``
holding ``general_rate`` is ``vat.general_rate``, and
``params/payroll/tyel.yaml`` holding ``employee_rate`` is
``payroll.tyel.employee_rate``.

A file maps each parameter to its description, unit and dated values::

    general_rate:
      description:
        fi: Arvonlisäveron yleinen verokanta
        en: General VAT rate
      unit: percent
      values:
        - from: 2024-09-01
          value: "25.5"
          source: https://finlex.fi/...
          note: optional free text

A value is in force from its ``from`` date until the next value's ``from``
date. A parameter set for each calendar year (a contribution rate, an allowance) also
states how far its values are confirmed::

    employee_rate:
      confirmed_until: 2026-12-31
      values: ...

and a date after ``confirmed_until`` is refused with :class:`NotConfirmed`, naming the
parameter and the year, in Finnish and English: a payment in January is never silently
computed with last year's rate. A parameter without ``confirmed_until`` (a VAT rate, an age
limit of an act) is in force until changed and has a value on every later date.

Values entered later (the new year's figures, by the vendor's admin) come from an
*overlay* that the application installs at start-up (:func:`install_overlay`; in Tase the
Django side reads them from its database). An entered value with the same ``from`` date as
a shipped one replaces it; its ``confirmed_until`` extends the parameter's. The rules never
import the application: the overlay is a plain object with ``values()`` and ``version()``. Numbers become :class:`~decimal.Decimal` (never ``float``); mappings and
lists keep their shape with their numbers converted the same way. Every value
must name its public source.

This module imports nothing from Django, so rules and formats can use it alone.
"""

from __future__ import annotations

import datetime as dt
import time
from bisect import bisect_right
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol

import yaml

PARAMS_DIR = Path(__file__).parent / "params"


class ParameterError(LookupError):
    """Base class for a parameter that cannot be given."""


class UnknownParameter(ParameterError):
    def __init__(self, name: str):
        super().__init__(f"Unknown parameter {name!r}.")
        self.name = name


class NoValueOnDate(ParameterError):
    def __init__(self, name: str, on: dt.date, first: dt.date):
        super().__init__(
            f"Parameter {name!r} has no value on {on.isoformat()}: "
            f"its first value is in force from {first.isoformat()}."
        )
        self.name, self.on, self.first = name, on, first


class NotConfirmed(ParameterError):
    """A date after the last date for which a yearly-set parameter's value is confirmed."""

    def __init__(self, parameter: Parameter, on: dt.date):
        self.name, self.on, self.confirmed_until = parameter.name, on, parameter.confirmed_until
        until = parameter.confirmed_until
        self.message_fi = (
            f"Parametrin {parameter.describe('fi')} ({parameter.name}) arvoa vuodelle {on.year} "
            f"ei ole vahvistettu: vahvistetut arvot ulottuvat {until.day}.{until.month}."
            f"{until.year} asti. Toimittajan pääkäyttäjä syöttää uuden vuoden arvon lähteineen "
            "parametrisivulla."
        )
        self.message_en = (
            f"The value of {parameter.describe('en')} ({parameter.name}) for {on.year} is not "
            f"confirmed: confirmed values reach {until.isoformat()}. The vendor's admin enters "
            "the new year's value with its source on the parameters page."
        )
        super().__init__(f"{self.message_fi} / {self.message_en}")

    def message(self, language: str) -> str:
        return self.message_en if language == "en" else self.message_fi


class InvalidParameterFile(ValueError):
    """A YAML file under params/ breaks the format described above."""


@dataclass(frozen=True, slots=True)
class DatedValue:
    effective_from: dt.date
    value: Any
    source: str
    note: str = ""
    # Who entered the value and when; empty for the values shipped in the YAML files.
    entered_by: str = ""
    entered_at: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class EnteredValue:
    """A value entered outside the shipped files (see :func:`install_overlay`)."""

    name: str
    effective_from: dt.date
    value: Any
    source: str
    note: str = ""
    confirmed_until: dt.date | None = None
    entered_by: str = ""
    entered_at: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class Parameter:
    name: str
    description: dict[str, str]
    unit: str
    values: tuple[DatedValue, ...]
    # The last date the values are confirmed for; None: in force until changed.
    confirmed_until: dt.date | None = None

    def value_at(self, on: dt.date) -> Any:
        return self.entry_at(on).value

    def entry_at(self, on: dt.date) -> DatedValue:
        starts = [v.effective_from for v in self.values]
        index = bisect_right(starts, on) - 1
        if index < 0:
            raise NoValueOnDate(self.name, on, starts[0])
        if self.confirmed_until is not None and on > self.confirmed_until:
            raise NotConfirmed(self, on)
        return self.values[index]

    def with_entered(self, entered: list[EnteredValue]) -> Parameter:
        """This parameter with entered values added (replacing a value of the same date)."""
        by_start = {v.effective_from: v for v in self.values}
        confirmed = self.confirmed_until
        for row in entered:
            by_start[row.effective_from] = DatedValue(
                row.effective_from, exact(row.value), row.source, row.note,
                row.entered_by, row.entered_at,
            )  # fmt: skip
            if confirmed is not None and row.confirmed_until is not None:
                confirmed = max(confirmed, row.confirmed_until)
        values = tuple(by_start[start] for start in sorted(by_start))
        return replace(self, values=values, confirmed_until=confirmed)

    def describe(self, language: str) -> str:
        return self.description.get(language) or self.description.get("en") or self.name


def exact(value: Any) -> Any:
    """Numbers to Decimal (through their text, so 25.5 stays 25.5), recursively."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | float):
        return Decimal(str(value))
    if isinstance(value, str):
        try:
            return Decimal(value)
        except ArithmeticError:
            return value
    if isinstance(value, dict):
        return {key: exact(item) for key, item in value.items()}
    if isinstance(value, list):
        return [exact(item) for item in value]
    return value


def _parse_parameter(name: str, spec: Any, origin: Path) -> Parameter:
    def fail(problem: str) -> InvalidParameterFile:
        return InvalidParameterFile(f"{origin}: parameter {name!r}: {problem}")

    if not isinstance(spec, dict) or not isinstance(spec.get("values"), list) or not spec["values"]:
        raise fail("needs a non-empty 'values' list")
    description = spec.get("description") or {}
    if isinstance(description, str):
        description = {"en": description}
    values = []
    for position, row in enumerate(spec["values"], start=1):
        if not isinstance(row, dict) or not {"from", "value", "source"} <= row.keys():
            raise fail(f"value #{position} needs 'from', 'value' and 'source'")
        start = row["from"]
        if isinstance(start, str):
            start = dt.date.fromisoformat(start)
        if not isinstance(start, dt.date):
            raise fail(f"value #{position}: 'from' must be a date")
        if not str(row["source"]).startswith(("https://", "http://")):
            raise fail(f"value #{position}: 'source' must be a URL")
        values.append(
            DatedValue(start, exact(row["value"]), str(row["source"]), str(row.get("note", "")))
        )
    starts = [v.effective_from for v in values]
    if starts != sorted(set(starts)):
        raise fail("'from' dates must be strictly increasing")
    confirmed = spec.get("confirmed_until")
    if isinstance(confirmed, str):
        confirmed = dt.date.fromisoformat(confirmed)
    if confirmed is not None and not isinstance(confirmed, dt.date):
        raise fail("'confirmed_until' must be a date")
    return Parameter(name, dict(description), str(spec.get("unit", "")), tuple(values), confirmed)


class ParameterSet:
    """All parameters found under one directory."""

    def __init__(self, root: Path | None = None, parameters: dict[str, Parameter] | None = None):
        self._parameters: dict[str, Parameter] = dict(parameters or {})
        for path in sorted(root.rglob("*.yaml")) if root else ():
            prefix = ".".join(path.relative_to(root).with_suffix("").parts)
            content = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            if not isinstance(content, dict):
                raise InvalidParameterFile(f"{path}: expected a mapping of parameters")
            for key, spec in content.items():
                name = f"{prefix}.{key}"
                self._parameters[name] = _parse_parameter(name, spec, path)

    def get(self, name: str) -> Parameter:
        try:
            return self._parameters[name]
        except KeyError:
            raise UnknownParameter(name) from None

    def value_at(self, name: str, on: dt.date) -> Any:
        return self.get(name).value_at(on)

    def all(self) -> list[Parameter]:
        return [self._parameters[name] for name in sorted(self._parameters)]

    def with_entered(self, entered: Iterable[EnteredValue]) -> ParameterSet:
        """A new set with ``entered`` values added; a value of an unknown name is refused."""
        by_name: dict[str, list[EnteredValue]] = {}
        for row in entered:
            self.get(row.name)
            by_name.setdefault(row.name, []).append(row)
        merged = dict(self._parameters)
        for name, rows in by_name.items():
            merged[name] = merged[name].with_entered(rows)
        return ParameterSet(parameters=merged)


# -- the shipped set and the overlay of entered values ----------------------------------------
class Overlay(Protocol):
    """Values entered outside the shipped files: ``values()`` lists them, ``version()`` is a
    cheap token that changes whenever they change. Either may raise (a database that is not
    ready): the values are then taken as none, and a failed version check changes nothing."""

    def values(self) -> Iterable[EnteredValue]: ...

    def version(self) -> Hashable: ...


class _State:
    overlay: Overlay | None = None
    check_every = 30.0  # seconds between version checks: other processes' entries show up
    current: ParameterSet | None = None
    version: Hashable = None
    checked = 0.0
    generation = 0


_shipped: ParameterSet | None = None


def shipped_set() -> ParameterSet:
    """The parameters shipped with Tase (the YAML files), read once per process."""
    global _shipped
    if _shipped is None:
        _shipped = ParameterSet(PARAMS_DIR)
    return _shipped


def install_overlay(overlay: Overlay | None, check_every: float = 30.0) -> Overlay | None:
    """Install the source of entered values (the application does this at start-up);
    returns the one it replaces."""
    previous = _State.overlay
    _State.overlay, _State.check_every = overlay, check_every
    reload()
    return previous


def reload() -> None:
    """Forget the merged set: the next read merges the entered values again."""
    _State.current = None
    _State.generation += 1


def generation() -> int:
    """A number that changes whenever the merged set is rebuilt (a key for callers' caches)."""
    default_set()
    return _State.generation


_FAILED = object()


def _try(call: Callable[[], Any]) -> Any:
    try:
        return call()
    except Exception:
        return _FAILED


def default_set() -> ParameterSet:
    """The shipped parameters with the overlay's entered values merged in."""
    overlay = _State.overlay
    if _State.current is not None:
        if overlay is None or time.monotonic() - _State.checked < _State.check_every:
            return _State.current
        _State.checked = time.monotonic()
        version = _try(overlay.version)
        if version is _FAILED or version == _State.version:
            return _State.current
    merged = shipped_set()
    if overlay is not None:
        _State.version = _try(overlay.version)
        entered = _try(lambda: list(overlay.values()))
        if entered is not _FAILED:
            merged = merged.with_entered(entered)
        _State.checked = time.monotonic()
    _State.current = merged
    _State.generation += 1
    return merged


def value_at(name: str, on: dt.date) -> Any:
    """The value of parameter ``name`` in force on ``on``.

    Raises :class:`UnknownParameter` for a name no file defines, :class:`NoValueOnDate` for
    a date before the parameter's first value and :class:`NotConfirmed` for a date after the
    last date a yearly-set parameter is confirmed for.
    """
    return default_set().value_at(name, on)


def parameter(name: str) -> Parameter:
    return default_set().get(name)


def all_parameters() -> list[Parameter]:
    return default_set().all()

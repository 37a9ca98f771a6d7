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
date. Numbers become :class:`~decimal.Decimal` (never ``float``); mappings and
lists keep their shape with their numbers converted the same way. Every value
must name its public source.

This module imports nothing from Django, so rules and formats can use it alone.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

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


class InvalidParameterFile(ValueError):
    """A YAML file under params/ breaks the format described above."""


@dataclass(frozen=True, slots=True)
class DatedValue:
    effective_from: dt.date
    value: Any
    source: str
    note: str = ""


@dataclass(frozen=True, slots=True)
class Parameter:
    name: str
    description: dict[str, str]
    unit: str
    values: tuple[DatedValue, ...]

    def value_at(self, on: dt.date) -> Any:
        return self.entry_at(on).value

    def entry_at(self, on: dt.date) -> DatedValue:
        starts = [v.effective_from for v in self.values]
        index = bisect_right(starts, on) - 1
        if index < 0:
            raise NoValueOnDate(self.name, on, starts[0])
        return self.values[index]

    def describe(self, language: str) -> str:
        return self.description.get(language) or self.description.get("en") or self.name


def _exact(value: Any) -> Any:
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
        return {key: _exact(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_exact(item) for item in value]
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
            DatedValue(start, _exact(row["value"]), str(row["source"]), str(row.get("note", "")))
        )
    starts = [v.effective_from for v in values]
    if starts != sorted(set(starts)):
        raise fail("'from' dates must be strictly increasing")
    return Parameter(name, dict(description), str(spec.get("unit", "")), tuple(values))


class ParameterSet:
    """All parameters found under one directory."""

    def __init__(self, root: Path):
        self._parameters: dict[str, Parameter] = {}
        for path in sorted(root.rglob("*.yaml")):
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


@cache
def default_set() -> ParameterSet:
    """The parameters shipped with Tase, read once per process."""
    return ParameterSet(PARAMS_DIR)


def value_at(name: str, on: dt.date) -> Any:
    """The value of parameter ``name`` in force on ``on``.

    Raises :class:`UnknownParameter` for a name no file defines and
    :class:`NoValueOnDate` for a date before the parameter's first value.
    """
    return default_set().value_at(name, on)


def parameter(name: str) -> Parameter:
    return default_set().get(name)


def all_parameters() -> list[Parameter]:
    return default_set().all()

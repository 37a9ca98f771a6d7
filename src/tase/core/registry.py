"""Registries the product apps fill in their ``AppConfig.ready``, so core knows no product.

- navigation entries (shown when the user's roles allow the action),
- start-page panels (a template and a function that gives its context),
- demo-data loaders run by ``tase demo``,
- state checks that implementation tasks can be tied to ("chart of accounts chosen").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class NavItem:
    key: str
    label: Any  # a lazy translation
    url_name: str
    action: str
    order: int = 100


@dataclass(frozen=True)
class StartPanel:
    key: str
    template: str
    action: str
    context: Callable[[Any], dict]  # (request) -> template context
    order: int = 100


@dataclass(frozen=True)
class DemoLoader:
    key: str
    load: Callable[[Any], None]  # (DemoContext) -> None; must be idempotent
    order: int = 100


@dataclass(frozen=True)
class StateCheck:
    code: str
    label: Any
    check: Callable[[Any], bool]  # (Organization) -> bool


NAV: dict[str, NavItem] = {}
START_PANELS: dict[str, StartPanel] = {}
DEMO_LOADERS: dict[str, DemoLoader] = {}
STATE_CHECKS: dict[str, StateCheck] = {}


def register_nav(item: NavItem) -> None:
    NAV[item.key] = item


def register_start_panel(panel: StartPanel) -> None:
    START_PANELS[panel.key] = panel


def register_demo(loader: DemoLoader) -> None:
    DEMO_LOADERS[loader.key] = loader


def register_state_check(check: StateCheck) -> None:
    STATE_CHECKS[check.code] = check


def ordered(registry: dict) -> list:
    return sorted(registry.values(), key=lambda entry: (entry.order, entry.key))

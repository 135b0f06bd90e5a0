"""The home dashboard's "my tasks" registry.

Apps contribute items without the intranet importing them: in their AppConfig.ready() they call
`register_task_provider(fn)`, where `fn(user) -> list[Task]`. Providers must be cheap (a query or
two each) because the home page calls every one.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Task:
    title: str
    url: str
    count: int | None = None
    hint: str = ""
    order: int = 100


_providers: list[Callable] = []


def register_task_provider(fn: Callable) -> Callable:
    if fn not in _providers:
        _providers.append(fn)
    return fn


def tasks_for(user) -> list[Task]:
    tasks: list[Task] = []
    for provider in _providers:
        tasks.extend(provider(user) or [])
    return sorted(tasks, key=lambda t: (t.order, t.title))


@dataclass(frozen=True)
class HomeBlock:
    """A panel on the home page (e.g. latest news): `template` rendered with `data`."""

    template: str
    data: object
    order: int = 100


_block_providers: list[Callable] = []


def register_home_block(fn: Callable) -> Callable:
    """`fn(user) -> HomeBlock | None`."""
    if fn not in _block_providers:
        _block_providers.append(fn)
    return fn


def home_blocks_for(user) -> list[HomeBlock]:
    blocks = [b for b in (fn(user) for fn in _block_providers) if b is not None]
    return sorted(blocks, key=lambda b: b.order)

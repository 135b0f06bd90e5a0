"""Demo data registry. `manage.py seed_demo` builds the council (people), then calls every registered
seeder in order so each app adds its own realistic data without people importing it.

Apps register in AppConfig.ready():  register_demo_seeder("skills", seed_fn, order=20)
where `seed_fn(*, rng: random.Random, staff_count: int, stdout) -> None`. Seeders must be
deterministic (use the rng given), fast (bulk_create), and safe on SQLite and PostgreSQL.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class DemoSeeder:
    name: str
    fn: Callable
    order: int = 100


_seeders: dict[str, DemoSeeder] = {}


def register_demo_seeder(name: str, fn: Callable, order: int = 100) -> None:
    _seeders[name] = DemoSeeder(name, fn, order)


def demo_seeders() -> list[DemoSeeder]:
    return sorted(_seeders.values(), key=lambda s: (s.order, s.name))


# Demo sign-ins printed by `make demo` (username -> role description); apps may add their own.
DEMO_LOGINS: dict[str, str] = {}


def register_demo_login(username: str, description: str) -> None:
    DEMO_LOGINS[username] = description

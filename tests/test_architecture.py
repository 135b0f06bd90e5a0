"""The layers drawn in ARCHITECTURE.md, checked on the source: core < people < feature apps <
reporting, no import cycles between apps or between files, no module past ~500 lines."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ["core", "people", "ldap_sync", "self_service", "skills_matrix", "lrs", "training", "news", "reporting",
        "intranet"]
MAX_LINES = 500


def _source_files():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            yield path


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _imports(path: Path) -> set[str]:
    """Every module of ours this file imports, at the top or inside a function (a lazy import is
    still a dependency)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    here = _module_name(path)
    package = here if path.name == "__init__.py" else here.rpartition(".")[0]
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            names = [mod] + [f"{mod}.{a.name}" for a in node.names]
        else:
            continue
        out.update(n for n in names if n.split(".")[0] in APPS)
    return out


def _graph():
    files = {_module_name(p): p for p in _source_files()}
    edges = {}
    for mod, path in files.items():
        targets = set()
        for name in _imports(path):
            # "from x import y" names either a module x.y or an attribute y of x
            while name and name not in files:
                name = name.rpartition(".")[0]
            if name and name != mod:
                targets.add(name)
        edges[mod] = targets
    return files, edges


def _app(module: str) -> str:
    return module.split(".")[0]


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one node (Tarjan)."""
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    import sys

    sys.setrecursionlimit(10000)
    for v in list(edges):
        if v not in index:
            visit(v)
    return out


def _app_edges(edges):
    apps = {}
    for mod, targets in edges.items():
        for t in targets:
            if _app(t) != _app(mod):
                apps.setdefault(_app(mod), set()).add(_app(t))
    return apps


def test_no_import_cycle_between_files():
    _, edges = _graph()
    assert _cycles(edges) == []


def test_no_import_cycle_between_apps():
    _, edges = _graph()
    assert _cycles(_app_edges(edges)) == []


def test_core_imports_no_app_of_ours():
    _, edges = _graph()
    assert _app_edges(edges).get("core", set()) == set()


def test_people_imports_only_core():
    _, edges = _graph()
    assert _app_edges(edges).get("people", set()) <= {"core"}


def test_lrs_stands_below_training():
    """The Learning Record Store knows nothing of courses: training subscribes to it."""
    _, edges = _graph()
    assert _app_edges(edges).get("lrs", set()) <= {"core", "people"}


@pytest.mark.parametrize("app", ["ldap_sync", "self_service", "skills_matrix", "lrs", "training", "news"])
def test_feature_apps_stand_below_reporting_and_the_project(app):
    _, edges = _graph()
    assert not _app_edges(edges).get(app, set()) & {"reporting", "intranet"}


def test_no_import_guard_between_our_apps():
    """A renamed selector must fail the tests, not quietly show "not available"."""
    offenders = []
    for path in _source_files():
        text = path.read_text()
        if "importlib" in text or "except ImportError" in text or "except ModuleNotFoundError" in text:
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_no_module_is_over_500_lines():
    long = {
        str(p.relative_to(ROOT)): n
        for p in _source_files()
        if (n := len(p.read_text().splitlines())) > MAX_LINES
    }
    assert long == {}


FEATURE_APPS = {"ldap_sync", "self_service", "skills_matrix", "lrs", "training", "news"}
PUBLIC_PARTS = {"selectors", "services", "signals"}


def _feature(module: str) -> str | None:
    """skills_matrix.recruitment is part of the skills house (it scores against the framework), so it
    counts as skills_matrix here."""
    app = _app(module)
    return app if app in FEATURE_APPS else None


def test_feature_apps_reach_each_other_through_selectors_services_and_signals_only():
    """Models may point at another app's models (a foreign key); nothing else may touch them."""
    files, edges = _graph()
    offenders = []
    for mod, targets in edges.items():
        src = _feature(mod)
        if src is None or mod.endswith(".models"):
            continue
        for target in targets:
            dst = _feature(target)
            if dst is None or dst == src:
                continue
            inside = target.removeprefix(f"{dst}.")
            if target != dst and inside.split(".")[0] not in PUBLIC_PARTS:  # `from x import selectors` names x
                offenders.append(f"{mod} -> {target}")
    assert offenders == []


def test_only_core_mail_sends_email():
    """Every email is queued through core.mail.mail_on_commit (retried, never lost silently)."""
    needles = ("send_mail(", "send_mass_mail(", "EmailMessage(", "EmailMultiAlternatives(", "mail_admins(")
    offenders = [
        str(p.relative_to(ROOT)) for p in _source_files()
        if p.relative_to(ROOT).as_posix() != "core/mail.py" and any(n in p.read_text() for n in needles)
    ]
    assert offenders == []

"""Directory department / OU path -> org unit."""

import hashlib

from django.utils.text import slugify

from people.models import OrgUnit

from .run_state import RunLog

HOLDING_UNIT_CODE = "directory-holding"


class OrgUnits:
    """Directory department / OU path -> org unit. A key the tree lacks gets a new unit under the
    holding unit for HR to place; the run lists each one. An OU path builds its tree: for
    'Place/Planning', Planning goes under the unit 'Place' resolves to (found or new)."""

    def __init__(self, run_log: RunLog):
        self.log = run_log
        self.by_key: dict[str, int] = {}
        by_name: dict[str, list[int]] = {}
        self.names: dict[int, str] = {}
        self.children: dict[tuple[int, str], int] = {}  # (parent pk, lower-case name) -> pk
        for pk, key, name, code, parent in OrgUnit.objects.values_list("pk", "directory_key", "name", "code",
                                                                       "parent_id"):
            self.names[pk] = name
            self.children.setdefault((parent, name.lower()), pk)
            # Matched in this order: the unit's directory key, its code, then its name if unique.
            self.by_key.setdefault(code.lower(), pk)
            if key:
                self.by_key[key.lower()] = pk
            by_name.setdefault(name.lower(), []).append(pk)
        self.by_name = {k: v[0] for k, v in by_name.items() if len(v) == 1}
        self._holding: OrgUnit | None = None

    def holding(self) -> OrgUnit:
        if self._holding is None:
            self._holding = OrgUnit.objects.filter(code=HOLDING_UNIT_CODE).first()
            if self._holding is None:
                root = OrgUnit.objects.filter(parent=None).exclude(kind=OrgUnit.Kind.HOLDING).first()
                self._holding = OrgUnit.objects.create(
                    code=HOLDING_UNIT_CODE, name="New from the directory (to be placed by HR)",
                    kind=OrgUnit.Kind.HOLDING, parent=root,
                )
                self.names[self._holding.pk] = self._holding.name
        return self._holding

    def resolve(self, key: str, *, path: bool = False) -> int | None:
        """The unit for a department (or, with `path`, an OU path such as 'Place/Planning')."""
        if not key:
            return None
        low = key.lower()
        if low in self.by_key:
            return self.by_key[low]
        parent_key, _, leaf = low.rpartition("/")
        parent_pk = self.resolve(key[: len(parent_key)], path=True) if path and parent_key else None
        found = self.children.get((parent_pk, leaf)) if parent_pk else self.by_name.get(leaf)
        if found is not None:
            self.by_key[low] = found
            return found
        name = key.rsplit("/", 1)[-1][:200]
        code = f"dir-{slugify(name)[:40]}-{hashlib.sha256(low.encode()).hexdigest()[:8]}"
        parent = OrgUnit.objects.get(pk=parent_pk) if parent_pk else self.holding()
        unit = OrgUnit.objects.create(
            code=code, name=name, kind=OrgUnit.Kind.TEAM, parent=parent, directory_key=key[:255]
        )
        self.by_key[low] = unit.pk
        self.names[unit.pk] = unit.name
        self.children[(parent.pk, leaf)] = unit.pk
        self.log.unit_created(key, unit)
        return unit.pk

    def readable(self, changes: dict) -> dict:
        """Changes as the run page and the audit show them: units by name, not id."""
        out = {}
        for f, (before, after) in changes.items():
            if f == "org_unit_id":
                out["org_unit"] = [self.names.get(before), self.names.get(after)]
            else:
                out[f] = [before, after]
        return out

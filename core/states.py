"""The one transition-table helper every state machine uses (requests, bookings, invitations,
attempts, assessments).

A table names actions; each action may start from a set of states and leads to one state:

    REQUEST = TransitionTable(
        {"submit": ({DRAFT, RETURNED}, SUBMITTED), "approve": ({SUBMITTED}, APPROVED), ...},
        noun="request", describe=lambda s: Request.Status(s).label.lower(),
    )
    REQUEST.check(request.status, "approve")   # -> APPROVED, or raises IllegalTransition

A machine whose moves are simply "from this state to that one" (bookings) uses
`TransitionTable.from_graph(...)`, where each action is named after the state it leads to.
`graph` gives the same rules as "which states may follow which", for documentation, the API and
tests, so the rules are written once.
"""

from collections.abc import Callable, Iterable, Mapping

from .errors import IllegalTransition


class TransitionTable:
    def __init__(
        self,
        actions: Mapping[str, tuple[Iterable[str], str]],
        *,
        noun: str = "record",
        describe: Callable[[str], str] = str,
        action_labels: Mapping[str, str] | None = None,
        messages: Mapping[tuple[str, str], str] | None = None,
    ):
        self.actions: dict[str, tuple[frozenset, str]] = {
            name: (frozenset(froms), to) for name, (froms, to) in actions.items()
        }
        self.noun = noun
        self.describe = describe
        self.action_labels = dict(action_labels or {})
        # (current state, action) -> the sentence to show instead of the generic one
        self.messages = dict(messages or {})

    @classmethod
    def from_graph(cls, graph: Mapping[str, Iterable[str]], **kwargs) -> "TransitionTable":
        """A table from "state -> states that may follow it"; each action is named after its target."""
        targets: dict[str, set[str]] = {}
        for source, tos in graph.items():
            for to in tos:
                targets.setdefault(to, set()).add(source)
        table = cls({to: (froms, to) for to, froms in targets.items()}, **kwargs)
        table._states = list(graph)
        return table

    @property
    def graph(self) -> dict[str, frozenset]:
        states = getattr(self, "_states", None) or sorted(
            {s for froms, _ in self.actions.values() for s in froms} | {to for _, to in self.actions.values()}
        )
        return {s: frozenset(to for froms, to in self.actions.values() if s in froms) for s in states}

    def can(self, state: str, action: str) -> bool:
        froms, _ = self.actions.get(action, (frozenset(), None))
        return state in froms

    def actions_from(self, state: str) -> list[str]:
        return [name for name, (froms, _) in self.actions.items() if state in froms]

    def check(self, state: str, action: str) -> str:
        """The state `action` leads to from `state`, or IllegalTransition with a sentence a person
        can act on."""
        if action not in self.actions:
            raise IllegalTransition(
                self.messages.get((state, action)) or f"Unknown action “{action}” for a {self.noun}."
            )
        froms, to = self.actions[action]
        if state not in froms:
            message = self.messages.get((state, action))
            if message is None:
                label = self.action_labels.get(action)
                if label:
                    message = f"You cannot {label} this {self.noun} because it is {self.describe(state)}."
                else:
                    message = (
                        f"This {self.noun} is “{self.describe(state)}” and cannot become "
                        f"“{self.describe(to)}”."
                    )
            raise IllegalTransition(message)
        return to

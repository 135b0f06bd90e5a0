"""Agents and Groups as keys: one string per inverse functional identifier, so two Agent objects
that name the same person compare (and index) equal whatever their other properties."""

import hashlib


def ifi_key(agent: dict) -> str | None:
    """"mbox:mailto:a@b", "sha1:…", "openid:…", "account:<homePage> <name>"; None for an anonymous Group."""
    if "mbox" in agent:
        return "mbox:" + agent["mbox"].lower()
    if "mbox_sha1sum" in agent:
        return "sha1:" + agent["mbox_sha1sum"].lower()
    if "openid" in agent:
        return "openid:" + agent["openid"]
    if "account" in agent:
        return f"account:{agent['account']['homePage']} {agent['account']['name']}"
    return None


def agent_keys(agent: dict) -> list[str]:
    """The keys an agent filter matches: the agent itself and, for a Group, each member."""
    keys = []
    if key := ifi_key(agent):
        keys.append(key)
    for member in agent.get("member", ()) if agent.get("objectType") == "Group" else ():
        if key := ifi_key(member):
            keys.append(key)
    return keys


def agent_digest(agent: dict) -> str:
    """A fixed-length key for indexing documents by agent."""
    return hashlib.sha1((ifi_key(agent) or "").encode()).hexdigest()  # noqa: S324 - a key, not a secret

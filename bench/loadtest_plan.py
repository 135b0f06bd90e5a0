"""What `make loadtest` asks of the server: the pages measured one at a time, and the mixed day of
the roles. Plain data (no locust import), so a test can check every path still resolves.

Each page: (name, role, path). Each role is a pool of distinct people of the seeded council
(bench/loadtest_accounts.POOLS, prepared after seeding with a session each, so the working day is
not a sign-in storm); "anonymous" signs in as nobody. Signing in is measured on its own, as staff
arriving (ARRIVAL_RATE a second), through the sign-in form with the demo password. In production
staff sign in with their directory password (the bind is the directory's work, not this server's):
the local PBKDF2 check measured there is the demo and break-glass path.
"""

PAGES = [
    ("healthz (ceiling)", "anonymous", "/healthz"),
    ("home", "employee", "/"),
    ("news list", "employee", "/news/"),
    ("directory search", "employee", "/people/?q=smith"),
    ("team skills matrix", "manager", "/skills/matrix/"),
    ("approvals queue", "manager", "/self-service/approvals/"),
    ("HR processing queue", "hr", "/self-service/processing/"),
    ("director's adoption report", "director", "/reporting/"),
    ("API adoption metrics", "director", "/api/reporting/metrics/"),
]

# The two reporting pages are also measured before the prepared figures exist (computed on every
# request, as before reporting/prepared.py), in the same run.
REPORTING_PAGES = ["director's adoption report", "API adoption metrics"]

# The pages measured at their busiest too: every user of the run on that page at once, each pausing
# 1-3 s between clicks as a person does (the "alone" phase, with no pause, gives what the box can
# serve of a page; this gives what those users see).
BUSY_PAGES = ["director's adoption report", "team skills matrix", "directory search"]

# The mixed workload: (role, weight, [(weight, name, path)]); posts are named in the locustfile.
MIXED = [
    ("employee", 10, [
        (4, "home", "/"), (3, "news list", "/news/"), (3, "directory search", "/people/?q=smith"),
        (2, "my requests", "/self-service/"), (2, "training catalogue", "/training/"), (1, "my skills", "/skills/"),
    ]),
    ("manager", 4, [
        (3, "approvals queue", "/self-service/approvals/"), (2, "team skills matrix", "/skills/matrix/"),
        (2, "home", "/"), (1, "directory search", "/people/?q=jones"),
    ]),
    ("hr", 2, [
        (3, "HR processing queue", "/self-service/processing/"), (2, "directory search", "/people/?q=smith"),
        (1, "home", "/"),
    ]),
    ("director", 1, [
        (3, "director's adoption report", "/reporting/"),
        (1, "director's adoption report, last month", "/reporting/?period=last-month"),
        (2, "API adoption metrics", "/api/reporting/metrics/"), (1, "home", "/"),
    ]),
]
# Posts the mixed workload makes (besides signing in): employees submit annual leave, managers
# approve what is waiting for them (both through the pages, as a person would).
LEAVE_PATH = "/self-service/new/annual-leave/"
APPROVE_PATH = "/self-service/requests/{pk}/action/approve/"
SIGN_IN_PATH = "/sign-in/"
ARRIVAL_RATE = 2  # people signing in a second in the arrival phase (LOADTEST_ARRIVAL_RATE)


def share(users: int) -> dict[str, int]:
    """How many of `users` each role of MIXED is (in proportion to its weight, the largest
    remainders rounded up; every role at least one when there are enough users), as locust splits
    them: how many distinct accounts of a role the mixed phase can use, and who arrives."""
    total = sum(w for _, w, _ in MIXED)
    exact = {role: users * w / total for role, w, _ in MIXED}
    counts = {role: int(x) for role, x in exact.items()}
    if users >= len(MIXED):
        counts = {role: max(1, n) for role, n in counts.items()}
    for role in sorted(exact, key=lambda r: exact[r] - int(exact[r]), reverse=True):
        if sum(counts.values()) >= users:
            break
        counts[role] += 1
    while sum(counts.values()) > users:  # the minimum of one took from the largest
        counts[max(counts, key=counts.get)] -= 1
    return counts


def every_path() -> list[str]:
    paths = [p for _, _, p in PAGES]
    paths += [p for _, _, tasks in MIXED for _, _, p in tasks]
    return [*paths, LEAVE_PATH, APPROVE_PATH.format(pk=1), SIGN_IN_PATH]

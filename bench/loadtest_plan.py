"""What `make loadtest` asks of the server: the pages measured one at a time, and the mixed day of
the roles. Plain data (no locust import), so a test can check every path still resolves.

Each page: (name, role, path). Roles are demo accounts (scripts/loadtest.py looks them up after
seeding); "anonymous" signs in as nobody.
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


def every_path() -> list[str]:
    paths = [p for _, _, p in PAGES]
    paths += [p for _, _, tasks in MIXED for _, _, p in tasks]
    return [*paths, LEAVE_PATH, APPROVE_PATH.format(pk=1), SIGN_IN_PATH]

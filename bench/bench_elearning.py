"""SCORM commits from 200 learners playing at once: each learner's player commits (a page turned:
bookmark, suspend data, session time) through the whole Django stack (session authentication,
routing, the commit view and service, PostgreSQL row lock and UPDATE), with ELEARNING_BENCH_WORKERS
requests served at a time as a pool of web workers would. Prints the commit time (median, 95th
percentile, worst), commits per second and the queries one commit takes."""

import json
import os
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor

LEARNERS = 200
COMMITS_EACH = int(os.environ.get("ELEARNING_BENCH_COMMITS", "10"))
WORKERS = int(os.environ.get("ELEARNING_BENCH_WORKERS", "16"))


def _setup():
    from django.contrib.auth.models import Group
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    from people import roles
    from people.models import Employee, OrgUnit
    from tests.factories import UserFactory
    from training import services
    from training.elearning.sample import sample_package
    from training.models import Course

    unit = OrgUnit.objects.create(code="bench-elearning", name="E-learning bench", kind=OrgUnit.Kind.COUNCIL)
    admin_user = UserFactory(username="bench-learning-admin", roles=[roles.EMPLOYEE])
    admin_user.groups.add(Group.objects.get_or_create(name=roles.LEARNING_ADMIN)[0])
    course = Course.objects.create(code="bench-spot-scams", title="Spot scams", kind=Course.Kind.ELEARNING)
    services.package_upload(actor=admin_user, course=course,
                            upload=SimpleUploadedFile("p.zip", sample_package("scorm2004")))
    learners = []
    for n in range(LEARNERS):
        user = UserFactory(username=f"bench-learner-{n}", roles=[roles.EMPLOYEE])
        Employee.objects.create(user=user, first_name="Learner", last_name=f"{n:03d}", org_unit=unit)
        client = Client()
        client.force_login(user)
        start = client.post(f"/training/courses/{course.code}/elearning/start/")
        config = client.get(start["Location"]).context["config"]
        learners.append((client, config["commitUrl"]))
    return learners


def _payload(n: int, seq: int) -> str:
    return json.dumps({"cmi": {"completion_status": "incomplete", "success_status": "unknown",
                               "location": str(seq % 4), "suspend_data": json.dumps({"page": seq, "n": n}) * 20,
                               "exit": "suspend", "session_time": f"PT{seq * 7}S",
                               "score": {"scaled": "", "raw": "", "min": "", "max": ""}},
                       "commitSequence": seq})


def run():
    from django.db import connection, connections
    from django.test.utils import CaptureQueriesContext

    learners = _setup()
    client, url = learners[0]
    with CaptureQueriesContext(connection) as ctx:
        assert client.post(url, _payload(0, 1), content_type="application/json").status_code == 200
    queries = len(ctx)
    if os.environ.get("ELEARNING_BENCH_SHOW_QUERIES"):
        print("\n".join(q["sql"][:120] for q in ctx.captured_queries))

    timings: list[float] = []
    lock = threading.Lock()

    def learner(index: int):
        client, url = learners[index]
        own = []
        for seq in range(2, COMMITS_EACH + 2):
            started = time.perf_counter()
            response = client.post(url, _payload(index, seq), content_type="application/json")
            own.append(time.perf_counter() - started)
            assert response.status_code == 200, response.content
        connections.close_all()
        with lock:
            timings.extend(own)

    # All 200 learners are in play at once; WORKERS requests are served at a time (each worker with
    # its own database connection, as gunicorn threads would have).
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        list(pool.map(learner, range(LEARNERS)))
    wall = time.perf_counter() - started
    timings.sort()
    ms = [t * 1000 for t in timings]
    return [
        ("learners playing at once", f"{LEARNERS}"),
        ("commits (each learner turning pages)", f"{len(ms)}"),
        ("requests served at a time (web workers)", f"{WORKERS}"),
        ("commit time, median", f"{statistics.median(ms):.1f} ms"),
        ("commit time, 95th percentile", f"{ms[int(len(ms) * 0.95) - 1]:.1f} ms"),
        ("commit time, worst", f"{ms[-1]:.1f} ms"),
        ("commits per second", f"{len(ms) / wall:.0f}"),
        ("queries per commit (session, user, BEGIN, attempt locked, UPDATE, COMMIT)", f"{queries}"),
    ]

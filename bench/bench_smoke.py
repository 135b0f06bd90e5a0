import time

from django.db import connection


def run():
    started = time.perf_counter()
    with connection.cursor() as cur:
        for _ in range(1000):
            cur.execute("SELECT 1")
    elapsed = time.perf_counter() - started
    return [("database round trip (mean of 1000 SELECT 1)", f"{elapsed / 1000 * 1e6:.0f} µs")]

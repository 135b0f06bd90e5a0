"""A throwaway database for benchmarks (test_<name> on the configured server), created and dropped."""

import contextlib

from django.db import connection


@contextlib.contextmanager
def bench_database():
    old_name = connection.settings_dict["NAME"]
    test_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        yield test_name
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0, keepdb=False)

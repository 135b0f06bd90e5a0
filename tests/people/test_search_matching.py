"""Directory search matching (people.selectors.directory_search, the /people/ page and the API):
accents, apostrophes, case, partial names and names in any order; on PostgreSQL through the trigram
index, with the same answers on the SQLite fallback; and no full read of the staff table."""

import pytest
from django.db import connection
from django.urls import reverse

from people.models import Employee, search_fold
from people.selectors import directory_search
from tests.factories import EmployeeFactory

NAMES = [("Zoë", "Smith"), ("Zoe", "Smyth"), ("Siân", "Llŷr"), ("Seán", "O'Brien"), ("Mary", "O’Brien"),
         ("John", "Smith"), ("Łukasz", "Nowak"), ("Bjørn", "Æsir")]


@pytest.fixture
def named(db, org):
    return {f"{first} {last}": EmployeeFactory(first_name=first, last_name=last, user=None, org_unit=org["team_a"],
                                               job_title="Officer")
            for first, last in NAMES}


def _found(query):
    return {e.display_name for e in directory_search(query=query)} & {f"{f} {s}" for f, s in NAMES}


SEARCHES = [
    ("zoe", {"Zoë Smith", "Zoe Smyth"}),
    ("Zoë", {"Zoë Smith", "Zoe Smyth"}),
    ("ZOË SMITH", {"Zoë Smith"}),
    ("sian", {"Siân Llŷr"}),
    ("Siân", {"Siân Llŷr"}),
    ("llyr", {"Siân Llŷr"}),
    ("o'brien", {"Seán O'Brien", "Mary O’Brien"}),
    ("O’Brien", {"Seán O'Brien", "Mary O’Brien"}),
    ("obrien", {"Seán O'Brien", "Mary O’Brien"}),
    ("brien", {"Seán O'Brien", "Mary O’Brien"}),
    ("sean o'brien", {"Seán O'Brien"}),
    ("obri", {"Seán O'Brien", "Mary O’Brien"}),  # partial
    ("smi", {"Zoë Smith", "John Smith"}),  # partial
    ("smith john", {"John Smith"}),  # surname then first name
    ("john smith", {"John Smith"}),
    ("lukasz", {"Łukasz Nowak"}),
    ("bjorn aesir", {"Bjørn Æsir"}),
    ("'", set()),  # nothing left to search for: the whole directory, none of these singled out
    ("nobody", set()),
]


@pytest.mark.parametrize(("query", "expected"), SEARCHES)
def test_names_match_whatever_the_accents_apostrophes_case_or_order(named, query, expected):
    found = _found(query)
    if query == "'":
        assert found == {f"{f} {s}" for f, s in NAMES}
    else:
        assert found == expected


@pytest.mark.parametrize(("query", "expected"), SEARCHES)
def test_the_sqlite_fallback_answers_the_same(named, monkeypatch, query, expected):
    monkeypatch.setattr(connection, "vendor", "sqlite")
    found = _found(query)
    assert found == ({f"{f} {s}" for f, s in NAMES} if query == "'" else expected)


def test_unit_names_still_match_and_combine_with_names(named, people, org):
    assert {e.display_name for e in directory_search(query="highways")} == {
        people["other_manager"].display_name, people["dave"].display_name}
    assert {e.display_name for e in directory_search(query="team a zoe")} == {"Zoë Smith", "Zoe Smyth"}


def test_the_page_and_the_api_find_accented_names(named, people, login, api_as):
    # Only the names above are compared: the other people of the fixture have made-up names, and
    # one of them may well be an O'Brien too.
    page = login(people["alice"]).get(reverse("people:directory"), {"q": "sian llyr"})
    assert [e.display_name for e in page.context["page"].object_list if e.display_name in named] == ["Siân Llŷr"]
    body = api_as(people["alice"]).get("/api/people/", {"q": "o'brien"}).json()
    rows = body["results"] if isinstance(body, dict) else body
    assert sorted(r["display_name"] for r in rows if r["display_name"] in named) == ["Mary O’Brien", "Seán O'Brien"]


def test_search_text_is_folded_on_save():
    e = Employee(first_name="Siân", last_name="O’Brien", preferred_name="Zoë", job_title="Chef de Café")
    assert e.build_search_text() == "sian zoe obrien chef de cafe"
    assert search_fold("Straße Øre") == "strasse ore"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigram index is PostgreSQL's")
def test_postgresql_can_answer_each_word_from_the_trigram_index(named):
    """Each word's LIKE '%word%' on search_text (as Django writes it, with its ::text cast) is
    answerable from the trigram index, and the unit-name half of the OR is a plain list of unit
    ids the planner can OR with it (an IN-subquery or a join there would force a read of every
    employee). At 20,000 staff the plan is a BitmapOr of the two indexes (bench_people prints the
    database time)."""
    like_sql, like_params = Employee.objects.filter(search_text__contains="obrien").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("EXPLAIN " + like_sql, like_params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Bitmap Index Scan on people_employee_search_trgm" in plan, plan
    where = str(directory_search(query="obrien team").query).split("WHERE")[1]
    assert "JOIN" not in where and "SELECT" not in where and '"org_unit_id" IN (' in where

"""Pages of the staff directory, for the page and the API.

A page is ordered by name. PostgreSQL can read a page either by walking the (is_active, last_name,
first_name) index in name order and testing each person against the search, or by taking every
match from the trigram index and sorting them. It picks the walk whenever it expects the first
page of matches early, assuming they are spread evenly through the alphabet; the people a surname
matches are not (every Smith sorts under S, every O'Brien under O), so for a search of a few
hundred matches at 100,000 staff it walked four fifths of the directory (50 ms in the database,
against 1.5 by the index). The count comes first on every page, so once it says the matches are
few the page is ordered in a way the name index cannot give (nulls first: the names are never
null, so the order is the same), and the matches are fetched and sorted. With many matches they
are dense everywhere and the walk is the quick way, so the planner keeps its choice.
"""

from django.core.paginator import Paginator
from django.db.models import F
from rest_framework.pagination import PageNumberPagination

from .models import Employee

# Fetching and sorting this many matches costs a few milliseconds at most.
FEW_MATCHES = 5000


def directory_order(queryset, matches: int):
    """The directory's name order, for `matches` people (see the module's docstring)."""
    if matches > FEW_MATCHES:
        return queryset
    first, *rest = Employee._meta.ordering  # last name, first name, id: the same order, said otherwise
    return queryset.order_by(F(first).asc(nulls_first=True), *rest)


class DirectoryPaginator(Paginator):
    def page(self, number):
        number = self.validate_number(number)  # counts the matches
        self.object_list = directory_order(self.object_list, self.count)
        return super().page(number)


class DirectoryApiPagination(PageNumberPagination):
    django_paginator_class = DirectoryPaginator

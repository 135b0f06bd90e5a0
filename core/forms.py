"""Form plumbing every app shares."""

from django.forms.models import ModelChoiceIterator


class ListModelChoiceIterator(ModelChoiceIterator):
    """The options of a model select, read with one plain query.

    Django's own iterator reads them through `QuerySet.iterator()`, which on PostgreSQL opens a
    server-side cursor: DECLARE ... WITH HOLD, FETCH and CLOSE, three round trips for a list of a
    dozen units or role profiles, on every select of every page (2-3 ms each, a third of the skills
    matrix's time). A select's options are a list a person reads, never a result too big to hold,
    so they are fetched as an ordinary query. core.apps installs it on ModelChoiceField (and so on
    ModelMultipleChoiceField and the fields ModelForms make)."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset.all():
            yield self.choice(obj)

from decimal import Decimal

from django.db import models


class FigureSnapshot(models.Model):
    """One figure for one org unit in one month, recorded by `snapshot_take` so trends survive staff
    moving, leaving and the skills framework changing. Units are referenced by id and also by
    code and name at the time, in case a unit is later merged away."""

    month = models.DateField(help_text="First day of the month the figure describes.")
    unit = models.ForeignKey("people.OrgUnit", null=True, on_delete=models.SET_NULL, related_name="+")
    unit_code = models.CharField(max_length=64)
    unit_name = models.CharField(max_length=200)
    figure = models.CharField(max_length=64)
    value = models.FloatField(null=True, blank=True, help_text="Empty when the figure was not available.")
    taken_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["month", "unit_code", "figure"]
        constraints = [
            models.UniqueConstraint(fields=["month", "unit_code", "figure"], name="reporting_snapshot_once")
        ]
        indexes = [models.Index(fields=["unit", "figure", "month"])]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.unit_code} {self.figure}={self.value}"


class ChannelCost(models.Model):
    """Cost of one transaction through each channel, for the GOV.UK cost-per-transaction KPI.
    Finance sets these in the admin; defaults are rough sector figures until they do."""

    DEFAULTS = {"online": Decimal("0.40"), "assisted": Decimal("4.50"), "paper": Decimal("8.60")}

    channel = models.CharField(max_length=16, unique=True, choices=[
        ("online", "Self-service online"), ("assisted", "Assisted"), ("paper", "Paper"),
    ])
    cost_per_contact = models.DecimalField(max_digits=8, decimal_places=2, help_text="Pounds per transaction.")

    def __str__(self):
        return f"{self.get_channel_display()}: £{self.cost_per_contact}"

    @classmethod
    def current(cls) -> dict[str, Decimal]:
        costs = dict(cls.DEFAULTS)
        costs.update(dict(cls.objects.values_list("channel", "cost_per_contact")))
        return costs


class PreparedFigure(models.Model):
    """One figure for one unit over one period the dashboard offers, as `prepared_refresh` last
    worked it out (every few minutes, and when HR asks), so a page reads a handful of indexed rows
    rather than computing over every member of staff. Keyed by the period's dates, not its name:
    "this month" moves every day, and a period no longer offered is dropped at the next refresh.
    `unit` is empty for a council-wide figure and for a figure that was not available."""

    period_start = models.DateField()
    period_end = models.DateField()
    unit = models.ForeignKey("people.OrgUnit", null=True, on_delete=models.CASCADE, related_name="+")
    figure = models.CharField(max_length=64)
    value = models.FloatField(null=True, blank=True)
    available = models.BooleanField(default=True)
    note = models.CharField(max_length=300, blank=True)
    computed_at = models.DateTimeField(help_text="When the refresh that wrote this row began.")

    class Meta:
        indexes = [models.Index(fields=["period_start", "period_end", "unit"], name="reporting_prepared_read")]

    def __str__(self):
        return f"{self.period_start}..{self.period_end} {self.unit_id} {self.figure}={self.value}"

"""Skills framework (shared contract: training and recruitment depend on `Skill` and `Level`).

The framework is a tree of areas and skills. Skills are never deleted once used: retire them
(`is_active=False`) so past assessments, requirements and evidence keep their meaning.
"""

from django.db import models
from mptt.models import MPTTModel, TreeForeignKey


class Level(models.IntegerChoices):
    NONE = 0, "0 – None"
    FOUNDATION = 1, "1 – Foundation"
    WORKING = 2, "2 – Working"
    CONFIDENT = 3, "3 – Confident"
    EXPERT = 4, "4 – Expert (can teach others)"


class Skill(MPTTModel):
    """A node of the framework: an area (e.g. "Being safe and legal online") or a skill beneath it."""

    class Kind(models.TextChoices):
        AREA = "area", "Area"
        SKILL = "skill", "Skill"

    code = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.SKILL)
    parent = TreeForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    description = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)
    sort_order = models.PositiveIntegerField(default=0)

    class MPTTMeta:
        order_insertion_by = ["sort_order", "name"]

    def __str__(self):
        return self.name

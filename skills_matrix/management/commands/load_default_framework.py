from django.core.management.base import BaseCommand

from skills_matrix.framework_data import load_default_framework
from skills_matrix.models import FrameworkVersion, RoleProfile, RoleRequirement, Skill, SkillDescriptor


class Command(BaseCommand):
    help = "Add the default skills framework and starter role profiles (only codes not already present)."

    def handle(self, *args, **options):
        created = load_default_framework(
            Skill=Skill, SkillDescriptor=SkillDescriptor, FrameworkVersion=FrameworkVersion,
            RoleProfile=RoleProfile, RoleRequirement=RoleRequirement,
        )
        self.stdout.write(f"Skills added: {created}")

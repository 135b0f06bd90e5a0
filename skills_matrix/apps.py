from django.apps import AppConfig


class SkillsMatrixConfig(AppConfig):
    name = "skills_matrix"

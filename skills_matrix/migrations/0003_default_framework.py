from django.db import migrations


def forwards(apps, schema_editor):
    from skills_matrix.framework_data import load_default_framework

    load_default_framework(
        Skill=apps.get_model("skills_matrix", "Skill"),
        SkillDescriptor=apps.get_model("skills_matrix", "SkillDescriptor"),
        FrameworkVersion=apps.get_model("skills_matrix", "FrameworkVersion"),
        RoleProfile=apps.get_model("skills_matrix", "RoleProfile"),
        RoleRequirement=apps.get_model("skills_matrix", "RoleRequirement"),
    )


class Migration(migrations.Migration):
    dependencies = [("skills_matrix", "0002_assessments_and_role_profiles")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]

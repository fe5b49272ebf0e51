"""Ballot blocks are now kept by column (question-major); blocks of the earlier row layout are
dropped and rebuilt from the responses on the next read. They only ever held a packed copy."""

from typing import Any

from django.db import migrations


def drop_blocks(apps: Any, schema_editor: Any) -> None:
    apps.get_model("mappings", "BallotBlock").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("mappings", "0004_retention")]

    operations = [migrations.RunPython(drop_blocks, migrations.RunPython.noop)]

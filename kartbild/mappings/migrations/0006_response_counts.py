"""Responses counted per perspective and day by the database itself, so that a ballot block is
checked against a few counter rows instead of a count over every response.

The triggers are written for each database Kartbild runs on. On PostgreSQL they fire once per
statement and read the statement's rows as a table (a COPY of a million responses costs one
grouped insert, not a million); on SQLite, once per row. Existing responses are counted once here,
and the blocks, which have no change number to be checked against, are dropped and rebuilt from
the responses on the next read.

On SQLite, Django alters a table by building a new one and dropping the old, and a table's
triggers go with it: a later migration that alters the response table must create them again
(test_response_counts fails if they are missing)."""

from typing import Any

import django.db.models.deletion
from django.db import migrations, models

COUNTS = "mappings_responsecount"
RESPONSES = "mappings_response"
# Rows a day's count is spread over on PostgreSQL: a submission adds to one at random, so
# concurrent submissions rarely wait for each other's row lock. SQLite has one writer at a time
# and keeps every day in shard 0.
SHARDS = 8

# A delete (and the old side of an update) is subtracted from the day's first shard, and only
# from a row that exists: when a perspective is deleted, its counts may go before its responses,
# and a trigger that created rows again would leave counts of a perspective that is gone.
POSTGRESQL = f"""
CREATE FUNCTION mappings_count_responses() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        UPDATE {COUNTS} AS c
        SET responses = c.responses - d.n, changes = c.changes + d.n
        FROM (
            SELECT mapping_perspective_id, submitted_on, count(*) AS n
            FROM old_rows GROUP BY mapping_perspective_id, submitted_on
        ) AS d
        WHERE c.mapping_perspective_id = d.mapping_perspective_id
          AND c.day = d.submitted_on
          AND c.shard = (
              SELECT min(s.shard) FROM {COUNTS} AS s
              WHERE s.mapping_perspective_id = d.mapping_perspective_id
                AND s.day = d.submitted_on
          );
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO {COUNTS} (mapping_perspective_id, day, shard, responses, changes)
        SELECT mapping_perspective_id, submitted_on, floor(random() * {SHARDS})::smallint,
               count(*), count(*)
        FROM new_rows GROUP BY mapping_perspective_id, submitted_on
        ON CONFLICT (mapping_perspective_id, day, shard) DO UPDATE
        SET responses = {COUNTS}.responses + EXCLUDED.responses,
            changes = {COUNTS}.changes + EXCLUDED.changes;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER mappings_response_inserted AFTER INSERT ON {RESPONSES}
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION mappings_count_responses();
CREATE TRIGGER mappings_response_deleted AFTER DELETE ON {RESPONSES}
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION mappings_count_responses();
CREATE TRIGGER mappings_response_updated AFTER UPDATE ON {RESPONSES}
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION mappings_count_responses();
"""
POSTGRESQL_REVERSE = f"""
DROP TRIGGER mappings_response_inserted ON {RESPONSES};
DROP TRIGGER mappings_response_deleted ON {RESPONSES};
DROP TRIGGER mappings_response_updated ON {RESPONSES};
DROP FUNCTION mappings_count_responses();
"""

_SQLITE_ADD = f"""
    INSERT INTO {COUNTS} (mapping_perspective_id, day, shard, responses, changes)
    VALUES (NEW.mapping_perspective_id, NEW.submitted_on, 0, 1, 1)
    ON CONFLICT (mapping_perspective_id, day, shard) DO UPDATE
    SET responses = responses + 1, changes = changes + 1;"""
_SQLITE_SUBTRACT = f"""
    UPDATE {COUNTS} SET responses = responses - 1, changes = changes + 1
    WHERE mapping_perspective_id = OLD.mapping_perspective_id AND day = OLD.submitted_on
      AND shard = (
          SELECT min(shard) FROM {COUNTS}
          WHERE mapping_perspective_id = OLD.mapping_perspective_id AND day = OLD.submitted_on
      );"""
SQLITE = [
    f"CREATE TRIGGER mappings_response_inserted AFTER INSERT ON {RESPONSES} BEGIN"
    f"{_SQLITE_ADD}\nEND",
    f"CREATE TRIGGER mappings_response_deleted AFTER DELETE ON {RESPONSES} BEGIN"
    f"{_SQLITE_SUBTRACT}\nEND",
    f"CREATE TRIGGER mappings_response_updated AFTER UPDATE ON {RESPONSES} BEGIN"
    f"{_SQLITE_SUBTRACT}{_SQLITE_ADD}\nEND",
]
SQLITE_REVERSE = [
    f"DROP TRIGGER {name}"
    for name in (
        "mappings_response_inserted",
        "mappings_response_deleted",
        "mappings_response_updated",
    )
]

BACKFILL = f"""
INSERT INTO {COUNTS} (mapping_perspective_id, day, shard, responses, changes)
SELECT mapping_perspective_id, submitted_on, 0, count(*), count(*)
FROM {RESPONSES} GROUP BY mapping_perspective_id, submitted_on
"""


def _statements(vendor: str, forwards: bool) -> list[str]:
    if vendor == "postgresql":
        return [POSTGRESQL if forwards else POSTGRESQL_REVERSE]
    if vendor == "sqlite":
        return SQLITE if forwards else SQLITE_REVERSE
    raise NotImplementedError(f"Kartbild runs on PostgreSQL or SQLite, not on {vendor}")


def count_responses(apps: Any, schema_editor: Any) -> None:
    apps.get_model("mappings", "BallotBlock").objects.all().delete()
    for statement in _statements(schema_editor.connection.vendor, forwards=True):
        schema_editor.execute(statement, params=None)
    schema_editor.execute(BACKFILL, params=None)


def stop_counting(apps: Any, schema_editor: Any) -> None:
    for statement in _statements(schema_editor.connection.vendor, forwards=False):
        schema_editor.execute(statement, params=None)
    apps.get_model("mappings", "ResponseCount").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("mappings", "0005_ballot_blocks_by_column")]

    operations = [
        migrations.CreateModel(
            name="ResponseCount",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("day", models.DateField()),
                ("shard", models.SmallIntegerField()),
                ("responses", models.IntegerField()),
                ("changes", models.BigIntegerField()),
                (
                    "mapping_perspective",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="mappings.mappingperspective",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("mapping_perspective", "day", "shard"),
                        name="one_response_count_per_shard",
                    )
                ],
            },
        ),
        migrations.AddField(
            model_name="ballotblock",
            name="changes",
            field=models.BigIntegerField(default=0),
            preserve_default=False,
        ),
        migrations.RunPython(count_responses, stop_counting),
    ]

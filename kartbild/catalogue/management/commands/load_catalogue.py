"""Load the shipped value catalogue. Safe to run on every deploy: a loaded version is left as is."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kartbild.catalogue.actions import (
    SHIPPED_FILE,
    SHIPPED_VERSION,
    Rejected,
    load_shipped_catalogue,
)
from kartbild.catalogue.datafile import CatalogueFileError


class Command(BaseCommand):
    help = "Load the shipped value catalogue (once; running it again changes nothing)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--file", type=Path, default=SHIPPED_FILE, help="catalogue data file")
        parser.add_argument("--catalogue-version", type=int, default=SHIPPED_VERSION)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            catalogue = load_shipped_catalogue(options["file"], options["catalogue_version"])
        except CatalogueFileError as error:
            raise CommandError(str(error)) from None
        except Rejected as error:
            raise CommandError(error.message) from None
        count = catalogue.values.count()
        limiting = catalogue.values.filter(polarity="limiting").count()
        self.stdout.write(
            f"{catalogue.name} version {catalogue.version}: {count} values, {limiting} potentially limiting."
        )

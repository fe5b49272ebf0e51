from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from kartbild.organisations.models import Organisation


class ValueCatalogueQuerySet(models.QuerySet["ValueCatalogue"]):
    def visible_to(self, organisation: Organisation) -> ValueCatalogueQuerySet:
        """The shipped catalogues and the organisation's own versions, shipped first."""
        return self.filter(Q(organisation=None) | Q(organisation=organisation)).order_by(
            F("organisation").asc(nulls_first=True), "name", "version"
        )


class ValueCatalogue(models.Model):
    """A versioned list of values. The shipped catalogue has no organisation; an organisation
    derives its own version from it. A version that a mapping uses never changes again."""

    organisation = models.ForeignKey(
        Organisation, models.CASCADE, null=True, blank=True, related_name="catalogues"
    )
    name = models.CharField(_("namn"), max_length=100)
    version = models.PositiveIntegerField(_("version"))
    derived_from = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="derivatives"
    )
    created_on = models.DateField(_("skapad"), auto_now_add=True)

    objects = ValueCatalogueQuerySet.as_manager()

    class Meta:
        ordering = ["organisation_id", "name", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name", "version"], name="catalogue_version_unique"
            ),
            # NULLs are distinct in a unique index, so the constraint above does not stop two
            # loads of the shipped catalogue from racing each other; this one does.
            models.UniqueConstraint(
                fields=["name", "version"],
                condition=Q(organisation=None),
                name="shipped_catalogue_version_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"

    @property
    def is_locked(self) -> bool:
        """Immutable once a mapping uses it: results record the version they were computed on."""
        return self.mappings.exists()

    @property
    def is_shipped(self) -> bool:
        """Shipped with Kartbild: shared by every organisation, so no organisation may edit it."""
        return self.organisation_id is None


class Polarity(models.TextChoices):
    POSITIVE = "positive", _("Positivt")
    LIMITING = "limiting", _("Potentiellt begränsande")


class ValueType(models.TextChoices):
    INDIVIDUAL = "I", _("Individ")
    RELATIONSHIP = "R", _("Relation")
    ORGANISATIONAL = "O", _("Organisation")
    SOCIETAL = "S", _("Samhälle")


class Frame(models.TextChoices):
    PERSONAL = "personal", _("Personliga värderingar")
    WORKPLACE = "workplace", _("Arbetsplatsen")
    COMMUNITY = "community", _("Kommunen som plats")


LEVELS = {
    1: _("Trygghet och överlevnad"),
    2: _("Relationer och tillhörighet"),
    3: _("Prestation och självkänsla"),
    4: _("Förnyelse och lärande"),
    5: _("Gemensam riktning och tillit"),
    6: _("Samverkan och att göra skillnad"),
    7: _("Samhällsansvar och framtid"),
}


class Value(models.Model):
    catalogue = models.ForeignKey(ValueCatalogue, models.CASCADE, related_name="values")
    # Position within the catalogue version: responses store picks as these small integers.
    position = models.PositiveSmallIntegerField()
    slug = models.SlugField(max_length=60)
    name_sv = models.CharField(_("namn (svenska)"), max_length=60)
    name_en = models.CharField(_("namn (engelska)"), max_length=60)
    description_sv = models.CharField(_("beskrivning (svenska)"), max_length=300)
    description_en = models.CharField(_("beskrivning (engelska)"), max_length=300)
    level = models.PositiveSmallIntegerField(_("nivå"), choices=sorted(LEVELS.items()))
    polarity = models.CharField(_("polaritet"), max_length=10, choices=Polarity.choices)
    type = models.CharField(_("typ"), max_length=1, choices=ValueType.choices)
    # Pipe-separated subset of Frame values: which questions the word is offered in.
    frames = models.CharField(_("ramar"), max_length=40)
    hidden = models.BooleanField(_("dold"), default=False)

    class Meta:
        ordering = ["catalogue_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["catalogue", "slug"], name="value_slug_unique"),
            models.UniqueConstraint(fields=["catalogue", "position"], name="value_position_unique"),
            models.CheckConstraint(
                condition=models.Q(polarity="positive") | models.Q(level__lte=3),
                name="limiting_only_on_levels_1_to_3",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "sv").startswith("en") else self.name_sv

    @property
    def description(self) -> str:
        return (
            self.description_en
            if (get_language() or "sv").startswith("en")
            else self.description_sv
        )

    @property
    def is_limiting(self) -> bool:
        return self.polarity == Polarity.LIMITING

    @property
    def frame_list(self) -> list[str]:
        return [frame for frame in self.frames.split("|") if frame]

    @property
    def frame_labels(self) -> list[str]:
        return [str(Frame(frame).label) for frame in self.frame_list if frame in Frame.values]

    def fits(self, frame: str) -> bool:
        return frame in self.frame_list

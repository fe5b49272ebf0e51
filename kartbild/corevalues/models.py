"""The värdegrund: the values an organisation decided on, each with a description and the
behaviours or principles that show it is lived, linked to the catalogue values it grew from.

A framework row is one version. A published version is never edited again; changing it means a
new draft version (`previous_version` points back) that replaces it when published. Follow-up
rounds point at the published version they measure, so old rounds keep their statements."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from kartbild.catalogue.models import Value, ValueCatalogue
from kartbild.organisations.models import Organisation


class CoreValueFrameworkQuerySet(models.QuerySet["CoreValueFramework"]):
    def published(self) -> CoreValueFrameworkQuerySet:
        return self.filter(status=CoreValueFramework.Status.PUBLISHED)

    def current(self, organisation: Organisation) -> CoreValueFramework | None:
        """The organisation's published värdegrund (publishing replaces the one before, so
        there is at most one); None when nothing is published."""
        return (
            self.published()
            .filter(organisation=organisation)
            .order_by("-published_on", "-pk")
            .first()
        )


class CoreValueFramework(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Utkast")
        PUBLISHED = "published", _("Publicerad")
        REPLACED = "replaced", _("Ersatt")

    organisation = models.ForeignKey(
        Organisation, models.CASCADE, related_name="core_value_frameworks"
    )
    name = models.CharField(_("namn"), max_length=120)
    introduction = models.TextField(_("inledning"), blank=True, max_length=4000)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    # SET_NULL, not PROTECT: only a draft is ever deleted on its own, and a draft has no next
    # version; PROTECT would stop the organisation and all its versions from being deleted
    # together (privacy: delete the organisation's data; the demo seed starting over).
    previous_version = models.OneToOneField(
        "self", models.SET_NULL, null=True, blank=True, related_name="next_version"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default="draft")
    published_on = models.DateField(_("publicerad"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # The catalogue whose values the authoring page offers to link; a new version keeps it.
    catalogue = models.ForeignKey(
        ValueCatalogue,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="core_value_frameworks",
        verbose_name=_("värdekatalog"),
    )

    objects = CoreValueFrameworkQuerySet.as_manager()

    class Meta:
        ordering = ["organisation_id", "name", "version"]
        verbose_name = _("värdegrund")
        verbose_name_plural = _("värdegrunder")

    def __str__(self) -> str:
        return f"{self.name} (version {self.version})"

    @property
    def is_draft(self) -> bool:
        """Only a draft may change: a published or replaced version is what people read and
        what follow-up rounds measured."""
        return self.status == self.Status.DRAFT


class CoreValue(models.Model):
    framework = models.ForeignKey(CoreValueFramework, models.CASCADE, related_name="values")
    name = models.CharField(_("namn"), max_length=80)
    description = models.TextField(_("beskrivning"), max_length=2000)
    position = models.PositiveSmallIntegerField(default=0)
    # The value of the previous version this one was copied from: follow-up trends across
    # versions follow this thread.
    carried_from = models.ForeignKey(
        "self", models.SET_NULL, null=True, blank=True, related_name="carried_to"
    )
    catalogue_values = models.ManyToManyField(
        Value, blank=True, related_name="core_values", verbose_name=_("värden i katalogen")
    )

    class Meta:
        ordering = ["framework_id", "position", "pk"]
        verbose_name = _("värde i värdegrunden")
        verbose_name_plural = _("värden i värdegrunden")

    def __str__(self) -> str:
        return self.name

    def behaviours_for(self, audience: str) -> list[Behaviour]:
        """The value's behaviours and principles for one audience, in their order (reads a
        prefetched `behaviours` without another query)."""
        return [b for b in self.behaviours.all() if b.audience == audience]

    @property
    def for_everyone(self) -> list[Behaviour]:
        return self.behaviours_for(Behaviour.Audience.EVERYONE)

    @property
    def for_leaders(self) -> list[Behaviour]:
        return self.behaviours_for(Behaviour.Audience.LEADERS)


class Behaviour(models.Model):
    """A behaviour statement ("Jag lyssnar in innan jag bestämmer") or a principle, for leaders
    or for every employee. Follow-up statements are generated from these."""

    class Audience(models.TextChoices):
        EVERYONE = "everyone", _("Alla medarbetare")
        LEADERS = "leaders", _("Chefer och ledare")

    class Kind(models.TextChoices):
        BEHAVIOUR = "behaviour", _("Beteende")
        PRINCIPLE = "principle", _("Princip")

    core_value = models.ForeignKey(CoreValue, models.CASCADE, related_name="behaviours")
    text = models.CharField(_("text"), max_length=300)
    audience = models.CharField(
        _("gäller"), max_length=10, choices=Audience.choices, default="everyone"
    )
    kind = models.CharField(_("slag"), max_length=10, choices=Kind.choices, default="behaviour")
    position = models.PositiveSmallIntegerField(default=0)
    carried_from = models.ForeignKey(
        "self", models.SET_NULL, null=True, blank=True, related_name="carried_to"
    )

    class Meta:
        ordering = ["core_value_id", "position", "pk"]
        verbose_name = _("beteende")
        verbose_name_plural = _("beteenden")

    def __str__(self) -> str:
        return self.text

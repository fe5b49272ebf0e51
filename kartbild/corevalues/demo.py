"""The demo municipality's värdegrund, in two versions written for Kartbild: version 1 in the
style of a four-word värdegrund (trust, courage, participation, professionalism) with a few
behaviours per value, published about three years ago and since replaced; version 2 copied from
it, reworked into values and principles with concrete behaviour statements for leaders and for
every employee, published about a year ago and current.

Every sentence here is our own; the structure follows the examples in DESIGN.md."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from kartbild.catalogue.models import ValueCatalogue
from kartbild.corevalues import actions
from kartbild.corevalues.models import Behaviour, CoreValue, CoreValueFramework
from kartbild.organisations.models import Organisation

EVERYONE = Behaviour.Audience.EVERYONE
LEADERS = Behaviour.Audience.LEADERS
PRINCIPLE = Behaviour.Kind.PRINCIPLE
BEHAVIOUR = Behaviour.Kind.BEHAVIOUR


@dataclass(frozen=True)
class DemoValue:
    name: str
    description: str
    # Slugs of the shipped catalogue; a slug the catalogue lacks is left out.
    links: tuple[str, ...]
    # (text, audience, kind)
    behaviours: tuple[tuple[str, str, str], ...] = field(default=())


FIRST_NAME = "Vi gör det tillsammans"
FIRST_INTRODUCTION = (
    "Den här värdegrunden arbetade vi fram under ett år tillsammans med medarbetare från alla "
    "förvaltningar. Fyra ord ska hjälpa oss att välja rätt när ingen regel säger vad vi ska göra."
)
FIRST_VERSION = (
    DemoValue(
        "Tillit",
        "Vi utgår från att alla vill göra ett bra jobb. Den som får förtroende växer med "
        "uppgiften, och vi visar med våra handlingar att man kan lita på oss.",
        ("tillit", "arlighet", "palitlighet"),
        (
            (
                "Jag gör det jag har lovat, eller säger till i tid om jag inte hinner.",
                EVERYONE,
                BEHAVIOUR,
            ),
            ("Jag ger mina kollegor ansvar utan att kontrollera varje steg.", EVERYONE, BEHAVIOUR),
            ("Jag fattar beslut öppet och förklarar varför.", LEADERS, BEHAVIOUR),
        ),
    ),
    DemoValue(
        "Mod",
        "Vi vågar pröva nya sätt att arbeta, säga vad vi tycker och erkänna när något blev fel. "
        "Mod är att göra det rätta även när det är obekvämt.",
        ("mod", "forandringsvilja", "oppenhet"),
        (
            ("Jag säger min mening i möten, även när jag är ensam om den.", EVERYONE, BEHAVIOUR),
            ("Jag berättar om mina misstag så att andra kan lära av dem.", EVERYONE, BEHAVIOUR),
            ("Jag ger mina medarbetare utrymme att pröva nya idéer.", LEADERS, BEHAVIOUR),
        ),
    ),
    DemoValue(
        "Delaktighet",
        "De som berörs av ett beslut ska kunna påverka det. Vi tar vara på kunskapen hos "
        "medarbetare, invånare och brukare innan vi bestämmer.",
        ("delaktighet", "dialog", "engagemang"),
        (
            (
                "Jag tar reda på vad de som berörs tycker innan jag föreslår en lösning.",
                EVERYONE,
                BEHAVIOUR,
            ),
            (
                "Jag delar information som andra behöver för att göra sitt jobb.",
                EVERYONE,
                BEHAVIOUR,
            ),
            ("Jag berättar hur medarbetarnas synpunkter påverkade beslutet.", LEADERS, BEHAVIOUR),
        ),
    ),
    DemoValue(
        "Professionalitet",
        "Vi kan vårt uppdrag och gör det med kvalitet. Invånaren ska kunna lita på att hen får "
        "samma goda bemötande och ett rättssäkert besked var hen än vänder sig.",
        ("professionalitet", "kvalitet", "god-service", "kompetens"),
        (
            ("Jag svarar begripligt och i rimlig tid.", EVERYONE, BEHAVIOUR),
            ("Jag håller mig uppdaterad inom mitt område.", EVERYONE, BEHAVIOUR),
            (
                "Jag ser till att vi följer upp kvaliteten och gör något åt det vi ser.",
                LEADERS,
                BEHAVIOUR,
            ),
        ),
    ),
)

SECOND_NAME = "Vägen vi går"
SECOND_INTRODUCTION = (
    "Efter två år med fyra värdeord ville vi göra värdegrunden mer konkret. Varje värde har nu "
    "principer och beteenden som beskriver vad vi gör i vardagen, både som medarbetare och som "
    "chefer. Vi använder dem på arbetsplatsträffar för att hitta vad vi kan bli bättre på, och "
    "vi följer upp dem varje år."
)
# Version 2, by the name of the version 1 value it continues (None for a new value).
SECOND_VERSION: tuple[tuple[str | None, DemoValue], ...] = (
    (
        "Tillit",
        DemoValue(
            "Tillit",
            "Förtroende byggs i små handlingar varje dag. Vi litar på varandras omdöme och "
            "håller det vi lovar, mot kollegor och mot invånare.",
            ("tillit", "arlighet", "palitlighet", "insyn"),
            (
                ("Vi är pålitliga i stort och smått.", EVERYONE, PRINCIPLE),
                (
                    "Jag gör det jag har lovat, eller säger till i tid om jag inte hinner.",
                    EVERYONE,
                    BEHAVIOUR,
                ),
                ("Jag pratar med kollegor, inte om dem.", EVERYONE, BEHAVIOUR),
                ("Chefen visar förtroende genom att delegera på riktigt.", LEADERS, PRINCIPLE),
                (
                    "Jag låter medarbetarna bestämma hur arbetet ska göras när målet är klart.",
                    LEADERS,
                    BEHAVIOUR,
                ),
                (
                    "Jag förklarar mina beslut, också de som inte blev som någon ville.",
                    LEADERS,
                    BEHAVIOUR,
                ),
            ),
        ),
    ),
    (
        "Mod",
        DemoValue(
            "Mod att förnya",
            "Vi prövar hellre något nytt i liten skala än väntar på den perfekta lösningen. "
            "Misstag som vi lär av är en del av arbetet.",
            ("mod", "forandringsvilja", "tillatande-klimat", "larande"),
            (
                ("Det är tillåtet att försöka och misslyckas.", EVERYONE, PRINCIPLE),
                (
                    "Jag föreslår förbättringar när jag ser något som kan fungera bättre.",
                    EVERYONE,
                    BEHAVIOUR,
                ),
                ("Jag säger ifrån när något inte är rätt mot invånaren.", EVERYONE, BEHAVIOUR),
                ("Chefen skyddar den som lyfter ett problem.", LEADERS, PRINCIPLE),
                ("Jag frågar efter invändningar innan jag bestämmer.", LEADERS, BEHAVIOUR),
                (
                    "Jag berättar öppet om mina egna misstag och vad jag lärde mig.",
                    LEADERS,
                    BEHAVIOUR,
                ),
            ),
        ),
    ),
    (
        "Delaktighet",
        DemoValue(
            "Medarbetarskap",
            "Var och en tar ansvar för sitt eget arbete och för helheten. Vi är med och formar "
            "arbetsplatsen i stället för att vänta på att någon annan ska göra det.",
            ("medarbetarskap", "delaktighet", "ansvar", "samverkan"),
            (
                ("Helheten går före det egna revirets gränser.", EVERYONE, PRINCIPLE),
                ("Jag hjälper en kollega från en annan enhet när det behövs.", EVERYONE, BEHAVIOUR),
                (
                    "Jag deltar aktivt på arbetsplatsträffar och säger vad jag tycker.",
                    EVERYONE,
                    BEHAVIOUR,
                ),
                (
                    "Jag tar kontakt med rätt person själv i stället för att skicka vidare ärendet.",
                    EVERYONE,
                    BEHAVIOUR,
                ),
                (
                    "Jag bjuder in medarbetarna innan besluten är fattade, inte efteråt.",
                    LEADERS,
                    BEHAVIOUR,
                ),
            ),
        ),
    ),
    (
        "Professionalitet",
        DemoValue(
            "Invånaren i centrum",
            "Vi finns till för dem som bor, verkar och vistas i kommunen. Vi möter alla med "
            "respekt, ger besked som går att förstå och håller en jämn kvalitet.",
            ("medborgarfokus", "god-service", "klarsprak", "kvalitet", "respekt"),
            (
                ("Vi gör det enkelt för invånaren.", EVERYONE, PRINCIPLE),
                ("Jag skriver så att mottagaren förstår första gången.", EVERYONE, BEHAVIOUR),
                (
                    "Jag ringer upp när jag har lovat, även när jag ännu inte har ett svar.",
                    EVERYONE,
                    BEHAVIOUR,
                ),
                (
                    "Jag följer upp hur invånarna upplever våra tjänster och delar resultatet med alla.",
                    LEADERS,
                    BEHAVIOUR,
                ),
            ),
        ),
    ),
    (
        None,
        DemoValue(
            "Nära ledarskap",
            "Chefer i kommunen är tillgängliga, tydliga och ser sina medarbetare. Ledarskapet "
            "knyter ihop den egna enheten med resten av organisationen.",
            ("ledarskap", "foredome", "aterkoppling", "tydlighet"),
            (
                ("Chefen är en förebild för värdegrunden.", LEADERS, PRINCIPLE),
                (
                    "Jag har ett samtal med varje medarbetare om deras utveckling minst två gånger om året.",
                    LEADERS,
                    BEHAVIOUR,
                ),
                (
                    "Jag ger återkoppling ofta, både när något går bra och när något behöver ändras.",
                    LEADERS,
                    BEHAVIOUR,
                ),
                (
                    "Jag samarbetar med andra chefer så att invånaren inte märker våra gränser.",
                    LEADERS,
                    BEHAVIOUR,
                ),
                ("Jag ger min chef återkoppling på ledarskapet.", EVERYONE, BEHAVIOUR),
            ),
        ),
    ),
)

# The first version was decided about three years before the demo's "today", the second one
# about a year before it: long enough ago for follow-up rounds of both to exist.
FIRST_PUBLISHED_AGO = timedelta(days=3 * 365)
SECOND_PUBLISHED_AGO = timedelta(days=365)


def _fill(value: CoreValue, demo: DemoValue) -> None:
    for text, audience, kind in demo.behaviours:
        actions.add_behaviour(value, text, audience, kind)


def _rewrite(value: CoreValue, demo: DemoValue) -> None:
    """Make the value's behaviours those of `demo`: a copied statement that is still there
    stays (so its follow-up trend continues), the others go, the new ones come, in demo order."""
    wanted = {text for text, _audience, _kind in demo.behaviours}
    kept = {}
    for behaviour in list(value.behaviours.all()):
        if behaviour.text in wanted:
            kept[behaviour.text] = behaviour
        else:
            actions.delete_behaviour(behaviour)
    for position, (text, audience, kind) in enumerate(demo.behaviours):
        if text in kept:
            behaviour = actions.update_behaviour(kept[text], text, audience, kind)
        else:
            behaviour = actions.add_behaviour(value, text, audience, kind)
        Behaviour.objects.filter(pk=behaviour.pk).update(position=position)


def seed_demo(
    organisation: Organisation, catalogue: ValueCatalogue, today: date
) -> list[CoreValueFramework]:
    """Version 1 (replaced) and version 2 (current) of the organisation's värdegrund, linked to
    values of `catalogue` by slug. Returns them oldest first; an organisation that already has a
    värdegrund gets nothing new and its versions back."""
    existing = list(
        CoreValueFramework.objects.filter(organisation=organisation).order_by("version", "pk")
    )
    if existing:
        return existing
    first = actions.create_draft(organisation, FIRST_NAME, FIRST_INTRODUCTION, catalogue)
    for demo in FIRST_VERSION:
        value = actions.add_value(
            first, demo.name, demo.description, catalogue.values.filter(slug__in=demo.links)
        )
        _fill(value, demo)
    first = actions.publish(first, today - FIRST_PUBLISHED_AGO)

    second = actions.copy_to_new_version(first)
    actions.update_framework(second, SECOND_NAME, SECOND_INTRODUCTION)
    copies = {value.name: value for value in second.values.all()}
    for continues, demo in SECOND_VERSION:
        links = catalogue.values.filter(slug__in=demo.links)
        if continues is None:
            value = actions.add_value(second, demo.name, demo.description, links)
        else:
            value = actions.update_value(copies[continues], demo.name, demo.description, links)
        _rewrite(value, demo)
    second = actions.publish(second, today - SECOND_PUBLISHED_AGO)
    first.refresh_from_db()
    return [first, second]

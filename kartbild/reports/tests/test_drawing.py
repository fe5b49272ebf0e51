"""The small drawing module behind the export charts: SVG text, PNG paint, axis ticks."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ElementTree

from PIL import Image

from kartbild.reports import drawing

SVG = "{http://www.w3.org/2000/svg}"


def scene() -> drawing.Scene:
    result = drawing.Scene(144, 72)
    result.boxes.append(drawing.Box(10, 10, 50, 20, "#0072B2", "#1b1f24", 0.5))
    result.boxes.append(drawing.Box(60, 10, 30, 20, "#D55E00", "#1b1f24", 0.5, hatch=True))
    result.lines.append(drawing.Line(10, 40, 134, 40))
    result.markers.append(drawing.Marker(20, 55, "triangle", 7, "#D55E00"))
    result.texts.append(drawing.Text(30, 55, 'Kost$nad <b>"x"</b> & co', 9, italic=True))
    result.texts.append(drawing.Text(100, 55, "lutar", 8, baseline="alphabetic", lean=40))
    return result


def test_the_svg_is_well_formed_and_keeps_user_text_as_text() -> None:
    document = ElementTree.fromstring(drawing.svg(scene()))
    texts = [element.text for element in document.iter(f"{SVG}text")]
    assert 'Kost$nad <b>"x"</b> & co' in texts
    assert document.get("viewBox") == "0 0 144 72"
    hatched = [r for r in document.iter(f"{SVG}rect") if r.get("fill") == "url(#hatch)"]
    assert len(hatched) == 1
    assert len(list(document.iter(f"{SVG}pattern"))) == 1
    assert len(list(document.iter(f"{SVG}polygon"))) == 1


def test_a_scene_without_hatching_defines_no_pattern() -> None:
    plain = drawing.Scene(20, 20, boxes=[drawing.Box(0, 0, 10, 10, "#000000")])
    assert "<pattern" not in drawing.svg(plain)


def test_the_png_has_the_size_of_the_scene_at_the_resolution_asked_for() -> None:
    png = drawing.png(scene(), dpi=144)
    with Image.open(io.BytesIO(png)) as image:
        assert image.size == (288, 144)
        # The blue box is painted where the scene put it (points x 2 at 144 dpi).
        assert image.convert("RGB").getpixel((60, 40)) == (0x00, 0x72, 0xB2)
        assert image.convert("RGB").getpixel((5, 5)) == (255, 255, 255)


def test_text_width_grows_with_the_text_and_the_size() -> None:
    short, long = drawing.text_width("abc", 10), drawing.text_width("abcabc", 10)
    assert 0 < short < long
    assert drawing.text_width("abc", 20) > short
    assert drawing.text_width("abc", 10, bold=True) > short


def test_ticks_are_round_and_stay_within_the_axis() -> None:
    assert drawing.ticks(39) == [0, 10, 20, 30]
    assert drawing.ticks(26) == [0, 5, 10, 15, 20, 25]
    assert drawing.ticks(237.5) == [0, 50, 100, 150, 200]
    assert drawing.ticks(0) == [0.0]
    for limit in (0.7, 3, 13, 99, 1234):
        marks = drawing.ticks(limit)
        assert marks[0] == 0 and marks[-1] <= limit and len(marks) <= 7


def test_each_hatching_has_its_own_pattern_in_the_svg_and_its_own_paint_in_the_png() -> None:
    hatched = drawing.Scene(96, 24)
    patterns: list[drawing.Pattern] = ["rising", "level", "crossed"]
    for i, pattern in enumerate(patterns):
        hatched.boxes.append(drawing.Box(i * 32, 0, 32, 24, "#ffffff", hatch=True, pattern=pattern))
    document = ElementTree.fromstring(drawing.svg(hatched))
    ids = {p.get("id") for p in document.iter(f"{SVG}pattern")}
    fills = {r.get("fill") for r in document.iter(f"{SVG}rect")}
    assert len(ids) == 3
    assert {f"url(#{i})" for i in ids} <= fills

    with Image.open(io.BytesIO(drawing.png(hatched, dpi=72))) as image:
        columns = [image.convert("L").crop((i * 32 + 2, 2, i * 32 + 30, 22)) for i in range(3)]
        inked = [sum(column.histogram()[:128]) for column in columns]
        # Level lines run along rows; crossed lines ink more than lines rising one way.
        level_rows = [sum(columns[1].crop((0, y, 28, y + 1)).histogram()[:128]) for y in range(20)]
        assert max(level_rows) == 28 and min(level_rows) == 0
        assert inked[2] > inked[0] > 0

"""A small vector drawing of boxes, lines and texts, written as SVG or painted as PNG.

The grid and bar charts of a kartbild (the unit heat map, the level distribution) are boxes with
numbers beside or in them. Matplotlib draws them well but slowly: every text is an artist that is
measured, laid out and rendered on its own, which made these charts most of the cost of a cold
export. A `Scene` is laid out once, in points from the top left corner, by the chart that builds
it (`reports.charts`), then written as SVG text for the pages and the PDF, or painted with Pillow
for the slides. Both use DejaVu Sans, the font of the matplotlib charts, from matplotlib's font
folder, so that all charts look alike.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass, field
from functools import cache
from html import escape
from pathlib import Path
from typing import Literal

import matplotlib
from PIL import Image, ImageDraw, ImageFont

FONT_FAMILY = "DejaVu Sans, sans-serif"
INK = "#1b1f24"
# Hatching of "potentially limiting" shares: diagonal lines this far apart, in points.
HATCH_STEP = 4.0
HATCH_WIDTH = 0.8

Anchor = Literal["start", "middle", "end"]
Baseline = Literal["middle", "alphabetic"]
# How a hatched box is hatched: lines rising to the right (limiting shares), level lines, or
# both diagonals. The type distribution tells its four value types apart by colour and by
# these, so that it does not rely on colour alone.
Pattern = Literal["rising", "level", "crossed"]
_PATTERN_IDS: dict[str, str] = {
    "rising": "hatch",
    "level": "hatch-level",
    "crossed": "hatch-crossed",
}


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    width: float
    height: float
    fill: str
    stroke: str = ""
    stroke_width: float = 0.0
    hatch: bool = False
    # Rounded corners of this radius.
    radius: float = 0.0
    pattern: Pattern = "rising"


@dataclass(frozen=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float
    colour: str = INK
    width: float = 1.0


@dataclass(frozen=True)
class Text:
    x: float
    y: float
    text: str
    size: float
    colour: str = INK
    anchor: Anchor = "start"
    baseline: Baseline = "middle"
    bold: bool = False
    italic: bool = False
    # Degrees counter-clockwise, about (x, y); only with anchor "start" and baseline "alphabetic".
    lean: float = 0.0


@dataclass(frozen=True)
class Marker:
    """A circle or an upward triangle of `size` points across, centred on (x, y)."""

    x: float
    y: float
    shape: Literal["circle", "triangle"]
    size: float
    fill: str
    stroke: str = INK
    stroke_width: float = 0.6


@dataclass
class Scene:
    """Boxes, lines, markers, then text frames and texts, each in the order they were added."""

    width: float
    height: float
    boxes: list[Box] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    markers: list[Marker] = field(default_factory=list)
    frames: list[Box] = field(default_factory=list)
    texts: list[Text] = field(default_factory=list)


@cache
def _font(size: float, bold: bool = False, italic: bool = False) -> ImageFont.FreeTypeFont:
    style = {(False, False): "", (True, False): "-Bold", (False, True): "-Oblique"}.get(
        (bool(bold), bool(italic)), "-BoldOblique"
    )
    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    return ImageFont.truetype(str(folder / f"DejaVuSans{style}.ttf"), size)


def text_width(text: str, size: float, bold: bool = False, italic: bool = False) -> float:
    """Width of `text` in points at `size` points (measured at ten times the size, for
    precision)."""
    return float(_font(size * 10, bold, italic).getlength(text)) / 10


def ticks(limit: float, most: int = 6) -> list[float]:
    """Round tick values from 0 up to `limit`: steps of 1, 2, 2.5 or 5 times a power of ten,
    at most `most` of them, as a reader would mark an axis by hand."""
    if limit <= 0:
        return [0.0]
    power = 10 ** math.floor(math.log10(limit / most))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if limit / (m * power) <= most)
    return [i * step for i in range(int(limit / step + 1e-9) + 1)]


def _number(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


# -- SVG --------------------------------------------------------------------------------------


def svg(scene: Scene) -> str:
    """The scene as a standalone SVG document in points; every text escaped."""
    width, height = _number(scene.width), _number(scene.height)
    step = _number(HATCH_STEP)
    parts = [
        '<?xml version="1.0" encoding="utf-8" standalone="no"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}pt" height="{height}pt" '
        f'viewBox="0 0 {width} {height}" version="1.1">',
    ]
    rising = (
        f"M0 {step} L{step} 0 M-1 1 L1 -1 M{_number(HATCH_STEP - 1)} "
        f"{_number(HATCH_STEP + 1)} L{_number(HATCH_STEP + 1)} {_number(HATCH_STEP - 1)}"
    )
    falling = (
        f"M0 0 L{step} {step} M-1 {_number(HATCH_STEP - 1)} L1 {_number(HATCH_STEP + 1)} "
        f"M{_number(HATCH_STEP - 1)} -1 L{_number(HATCH_STEP + 1)} 1"
    )
    paths = {
        "rising": rising,
        "level": f"M0 {_number(HATCH_STEP / 2)} L{step} {_number(HATCH_STEP / 2)}",
        "crossed": f"{rising} {falling}",
    }
    used = {box.pattern for box in scene.boxes if box.hatch}
    if used:
        parts.append("<defs>")
        for pattern in sorted(used):
            parts.append(
                f'<pattern id="{_PATTERN_IDS[pattern]}" patternUnits="userSpaceOnUse" '
                f'width="{step}" height="{step}"><path d="{paths[pattern]}" '
                f'stroke="{INK}" stroke-width="{_number(HATCH_WIDTH)}"/></pattern>'
            )
        parts.append("</defs>")
    parts.append(f'<rect width="{width}" height="{height}" fill="#ffffff"/>')
    parts += [_svg_box(box) for box in scene.boxes]
    for line in scene.lines:
        parts.append(
            f'<line x1="{_number(line.x1)}" y1="{_number(line.y1)}" x2="{_number(line.x2)}" '
            f'y2="{_number(line.y2)}" stroke="{line.colour}" stroke-width="{_number(line.width)}"/>'
        )
    for marker in scene.markers:
        paint = (
            f'fill="{marker.fill}" stroke="{marker.stroke}" '
            f'stroke-width="{_number(marker.stroke_width)}"'
        )
        if marker.shape == "circle":
            parts.append(
                f'<circle cx="{_number(marker.x)}" cy="{_number(marker.y)}" '
                f'r="{_number(marker.size / 2)}" {paint}/>'
            )
        else:
            points = " ".join(f"{_number(x)},{_number(y)}" for x, y in _triangle(marker))
            parts.append(f'<polygon points="{points}" {paint}/>')
    parts += [_svg_box(box) for box in scene.frames]
    parts.append(f'<g font-family="{FONT_FAMILY}">')
    for text in scene.texts:
        x, y = _number(text.x), _number(text.y)
        attributes = [f'x="{x}" y="{y}"', f'font-size="{_number(text.size)}"']
        if text.baseline == "middle":
            # A third of the font size: the middle of a digit or a lower-case letter.
            attributes.append('dy="0.35em"')
        if text.anchor != "start":
            attributes.append(f'text-anchor="{text.anchor}"')
        attributes.append(f'fill="{text.colour}"')
        if text.bold:
            attributes.append('font-weight="bold"')
        if text.italic:
            attributes.append('font-style="italic"')
        if text.lean:
            attributes.append(f'transform="rotate(-{_number(text.lean)} {x} {y})"')
        parts.append(f"<text {' '.join(attributes)}>{escape(text.text)}</text>")
    parts.append("</g></svg>")
    return "\n".join(parts) + "\n"


def _svg_box(box: Box) -> str:
    geometry = (
        f'x="{_number(box.x)}" y="{_number(box.y)}" width="{_number(box.width)}" '
        f'height="{_number(box.height)}"'
    )
    if box.radius:
        geometry += f' rx="{_number(box.radius)}"'
    stroke = (
        f' stroke="{box.stroke}" stroke-width="{_number(box.stroke_width)}"'
        if box.stroke and box.stroke_width
        else ""
    )
    shape = f'<rect {geometry} fill="{box.fill}"{stroke}/>'
    if box.hatch:
        shape += f'<rect {geometry} fill="url(#{_PATTERN_IDS[box.pattern]})"{stroke}/>'
    return shape


def _triangle(marker: Marker) -> list[tuple[float, float]]:
    half = marker.size / 2
    return [
        (marker.x, marker.y - half),
        (marker.x + half, marker.y + half),
        (marker.x - half, marker.y + half),
    ]


# -- PNG --------------------------------------------------------------------------------------

_PIL_ANCHOR = {"start": "l", "middle": "m", "end": "r"}
_PIL_BASELINE = {"middle": "m", "alphabetic": "s"}


def png(scene: Scene, dpi: int) -> bytes:
    """The scene painted at `dpi` as PNG bytes."""
    scale = dpi / 72

    def px(points: float) -> int:
        return round(points * scale)

    image = Image.new("RGB", (px(scene.width), px(scene.height)), "white")
    draw = ImageDraw.Draw(image)
    for box in scene.boxes:
        _paint_box(image, draw, box, scale)
    for line in scene.lines:
        draw.line(
            (px(line.x1), px(line.y1), px(line.x2), px(line.y2)),
            fill=line.colour,
            width=max(1, px(line.width)),
        )
    for marker in scene.markers:
        width = max(1, px(marker.stroke_width))
        if marker.shape == "circle":
            half = marker.size / 2
            draw.ellipse(
                (
                    px(marker.x - half),
                    px(marker.y - half),
                    px(marker.x + half),
                    px(marker.y + half),
                ),
                fill=marker.fill,
                outline=marker.stroke,
                width=width,
            )
        else:
            corners = [(px(x), px(y)) for x, y in _triangle(marker)]
            draw.polygon(corners, fill=marker.fill, outline=marker.stroke, width=width)
    for box in scene.frames:
        _paint_box(image, draw, box, scale)
    for text in scene.texts:
        font = _font(text.size * scale, text.bold, text.italic)
        if text.lean:
            _leaning_text(image, text, font, px(text.x), px(text.y))
            continue
        # Pillow's "middle" is the middle of the font's ascender and descender; SVG's dy
        # of 0.35em puts the middle of a digit there: the same place within a pixel or so.
        anchor = _PIL_ANCHOR[text.anchor] + _PIL_BASELINE[text.baseline]
        draw.text((px(text.x), px(text.y)), text.text, fill=text.colour, font=font, anchor=anchor)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _paint_box(image: Image.Image, draw: ImageDraw.ImageDraw, box: Box, scale: float) -> None:
    def px(points: float) -> int:
        return round(points * scale)

    left, top = px(box.x), px(box.y)
    right, bottom = px(box.x + box.width), px(box.y + box.height)
    if right <= left or bottom <= top:
        return
    if box.radius:
        half = box.stroke_width / 2
        draw.rounded_rectangle(
            (
                px(box.x - half),
                px(box.y - half),
                px(box.x + box.width + half) - 1,
                px(box.y + box.height + half) - 1,
            ),
            radius=px(box.radius),
            fill=box.fill,
            outline=box.stroke or None,
            width=max(1, px(box.stroke_width)) if box.stroke else 0,
        )
        return
    draw.rectangle((left, top, right - 1, bottom - 1), fill=box.fill)
    if box.hatch:
        tile = Image.new("RGB", (right - left, bottom - top), box.fill)
        lines = ImageDraw.Draw(tile)
        step, height = max(2, px(HATCH_STEP)), bottom - top
        width = max(1, px(HATCH_WIDTH))
        if box.pattern == "level":
            for y in range(step // 2 - (top % step), height, step):
                lines.line((0, y, right - left, y), fill=INK, width=width)
        else:
            # Lines rising to the right (and for "crossed" falling too), on the same grid as
            # the SVG pattern.
            for start in range(-height - (left % step), right - left + step, step):
                lines.line((start, height, start + height, 0), fill=INK, width=width)
                if box.pattern == "crossed":
                    lines.line((start, 0, start + height, height), fill=INK, width=width)
        image.paste(tile, (left, top))
    if box.stroke and box.stroke_width:
        # The stroke centred on the box's edge, as in SVG.
        half = box.stroke_width / 2
        draw.rectangle(
            (
                px(box.x - half),
                px(box.y - half),
                px(box.x + box.width + half) - 1,
                px(box.y + box.height + half) - 1,
            ),
            outline=box.stroke,
            width=max(1, px(box.stroke_width)),
        )


def _leaning_text(
    image: Image.Image, text: Text, font: ImageFont.FreeTypeFont, x: int, y: int
) -> None:
    """The text rising at its lean with the start of its baseline at (x, y)."""
    ascent, descent = font.getmetrics()
    flat = Image.new("L", (math.ceil(font.getlength(text.text)) + 2, ascent + descent + 2), 0)
    ImageDraw.Draw(flat).text((1, 1), text.text, fill=255, font=font)
    turned = flat.rotate(text.lean, resample=Image.Resampling.BICUBIC, expand=True)
    # Where the start of the baseline, (1, 1 + ascent), went: turned about the image centre.
    angle = math.radians(text.lean)
    dx, dy = 1 - flat.width / 2, 1 + ascent - flat.height / 2
    to_x = turned.width / 2 + dx * math.cos(angle) + dy * math.sin(angle)
    to_y = turned.height / 2 - dx * math.sin(angle) + dy * math.cos(angle)
    image.paste(
        Image.new("RGB", turned.size, text.colour), (round(x - to_x), round(y - to_y)), turned
    )

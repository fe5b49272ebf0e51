"""Exports of a kartbild: a PDF report, a slide deck for dialogue meetings, the aggregated tables
as a workbook and as CSV, and the dialogue guides as PDF.

One report specification (`content.gather`, built on `reports.report`), one renderer per format
with the same signature: `render_*(content, progress) -> ExportFile`. The job runner
(`reports.jobs`) calls `render_export`; tests and the benchmark call the renderers directly."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from kartbild.reports.exports.content import ExportContent, ExportFile, Progress, gather

if TYPE_CHECKING:
    from kartbild.reports.models import ExportJob

__all__ = ["ExportContent", "ExportFile", "Progress", "gather", "render_export", "renderer"]


def renderer(kind: str) -> Callable[[ExportContent, Progress], ExportFile]:
    """The renderer of an export kind (ExportKind value) other than the guide."""
    from kartbild.reports.exports.pdf import render_pdf
    from kartbild.reports.exports.slides import render_slides
    from kartbild.reports.exports.tables import render_csv
    from kartbild.reports.exports.workbook import render_workbook

    return {
        "pdf": render_pdf,
        "pptx": render_slides,
        "xlsx": render_workbook,
        "csv": render_csv,
    }[kind]


def render_export(job: ExportJob, progress: Progress) -> ExportFile:
    """Render a job's export in the language active when called."""
    content = gather(job.mapping, job.unit, progress, unit_detail=job.unit_detail)
    if job.kind == "guide":
        from kartbild.reports.guides import render_guide_pdf

        return render_guide_pdf(content, job.perspective, progress)
    return renderer(job.kind)(content, progress)

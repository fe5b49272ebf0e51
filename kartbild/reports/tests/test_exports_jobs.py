"""Export jobs: ordered in a request, rendered outside it, followed on a page that refreshes
itself, downloaded with the same access rules as the kartbild pages."""

from __future__ import annotations

import io
import time
import zipfile
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from kartbild.accounts.models import AuditEvent
from kartbild.reports import jobs
from kartbild.reports.models import ExportJob
from kartbild.reports.tests.helpers import SAME, answer, unit
from kartbild.reports.tests.test_access import member

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def worker_runner(settings: Any) -> None:
    """Jobs wait for a runner the test starts itself, unless a test says otherwise."""
    settings.EXPORT_RUNNER = jobs.RUNNER_WORKER


@pytest.fixture
def world(organisation_a: Any, make_mapping: Any) -> dict[str, Any]:
    social = unit(organisation_a, "SOC", "Socialförvaltningen")
    care = unit(organisation_a, "VO", "Vård och omsorg", social)
    school = unit(organisation_a, "BUF", "Skolan")
    mapping = make_mapping(("medarbetare",))
    employees = mapping.perspectives.get()
    for where in (care, school):
        answer(employees, SAME, 6, where)
    return {
        "mapping": mapping,
        "social": social,
        "care": care,
        "school": school,
        "manager": member(organisation_a, "chef", "unit_manager", social),
        "facilitator": member(organisation_a, "ledare", "facilitator"),
    }


def zipped_text(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return "".join(archive.read(name).decode("utf-8-sig") for name in archive.namelist())


def exports_url(mapping: Any, org: str = "ystad") -> str:
    return reverse("reports:exports", args=[org, mapping.pk])


def download_url(job: ExportJob, org: str = "ystad") -> str:
    return reverse("reports:export_download", args=[org, job.mapping_id, job.pk])


def test_ordering_an_export_queues_a_job_that_the_worker_renders(
    client: Any, analyst_a: Any, world: dict[str, Any]
) -> None:
    client.force_login(analyst_a)
    response = client.post(exports_url(world["mapping"]), {"kind": "xlsx", "unit": ""})
    assert response.status_code == 302
    job = ExportJob.objects.get()
    assert job.status == ExportJob.Status.QUEUED and job.created_by == analyst_a
    page = client.get(exports_url(world["mapping"])).content.decode()
    assert '<meta http-equiv="refresh"' in page and "<progress" in page

    assert jobs.run_pending() == 1
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE and job.progress == 100
    page = client.get(exports_url(world["mapping"])).content.decode()
    assert '<meta http-equiv="refresh"' not in page
    assert download_url(job) in page
    download = client.get(download_url(job))
    assert download.status_code == 200
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    assert download["Content-Disposition"].startswith("attachment")
    assert download.content[:2] == b"PK"
    # Who took the results out of the system is in the organisation's audit log.
    event = AuditEvent.objects.get(action="exported_report")
    assert event.user == analyst_a and job.filename in event.detail


def test_the_status_view_reports_progress_for_the_script(
    client: Any, admin_a: Any, world: dict[str, Any]
) -> None:
    client.force_login(admin_a)
    client.post(exports_url(world["mapping"]), {"kind": "csv"})
    status = client.get(reverse("reports:export_status", args=["ystad", world["mapping"].pk]))
    assert status.json()["jobs"][0]["status"] == "queued"


def test_the_worker_command_runs_what_is_queued(
    client: Any, admin_a: Any, world: dict[str, Any]
) -> None:
    client.force_login(admin_a)
    client.post(exports_url(world["mapping"]), {"kind": "csv"})
    call_command("run_export_jobs", "--once", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert ExportJob.objects.get().status == ExportJob.Status.DONE


def test_a_bad_order_changes_nothing_and_says_why(
    client: Any, admin_a: Any, world: dict[str, Any]
) -> None:
    client.force_login(admin_a)
    for data in ({"kind": "exe"}, {}, {"kind": "guide"}, {"kind": "pdf", "unit": "99999"}):
        response = client.post(exports_url(world["mapping"]), data)
        assert response.status_code == 400
        assert "Något behöver rättas" in response.content.decode()
    assert not ExportJob.objects.exists()


def test_a_unit_manager_exports_only_their_own_subtree(client: Any, world: dict[str, Any]) -> None:
    client.force_login(world["manager"])
    for data in ({"kind": "pdf", "unit": ""}, {"kind": "pdf", "unit": world["school"].pk}):
        assert client.post(exports_url(world["mapping"]), data).status_code == 400
    assert not ExportJob.objects.exists()
    response = client.post(exports_url(world["mapping"]), {"kind": "csv", "unit": world["care"].pk})
    assert response.status_code == 302
    job = ExportJob.objects.get()
    assert job.unit == world["care"]
    jobs.run_pending()
    assert client.get(download_url(job)).status_code == 200


def test_a_unit_manager_may_not_download_the_organisation_s_export(
    client: Any, admin_a: Any, world: dict[str, Any]
) -> None:
    client.force_login(admin_a)
    client.post(exports_url(world["mapping"]), {"kind": "csv"})
    school = ExportJob.objects.create(
        organisation=world["mapping"].organisation,
        mapping=world["mapping"],
        unit=world["school"],
        kind="csv",
        created_by=admin_a,
    )
    jobs.run_pending()
    organisation_wide = ExportJob.objects.get(unit=None)
    client.force_login(world["manager"])
    assert client.get(download_url(organisation_wide)).status_code == 403
    assert client.get(download_url(school)).status_code == 403
    # A facilitator sees the organisation-wide kartbild but no unit: not this export, which has
    # the unit rows, but their own, which has none.
    client.force_login(world["facilitator"])
    assert client.get(download_url(organisation_wide)).status_code == 403
    assert client.get(download_url(school)).status_code == 403
    assert (
        client.post(
            exports_url(world["mapping"]), {"kind": "csv", "unit": world["school"].pk}
        ).status_code
        == 400
    )
    assert client.post(exports_url(world["mapping"]), {"kind": "csv"}).status_code == 302
    own = ExportJob.objects.get(created_by=world["facilitator"])
    assert not own.unit_detail
    jobs.run_pending()
    download = client.get(download_url(own))
    assert download.status_code == 200
    assert "Skolan" not in zipped_text(download.content)
    assert "Vård och omsorg" not in zipped_text(download.content)
    # The admin's export of the same mapping has them.
    client.force_login(admin_a)
    assert "Skolan" in zipped_text(client.get(download_url(organisation_wide)).content)


def test_another_organisation_finds_neither_the_page_nor_the_file(
    client: Any, admin_a: Any, admin_b: Any, world: dict[str, Any]
) -> None:
    client.force_login(admin_a)
    client.post(exports_url(world["mapping"]), {"kind": "csv"})
    jobs.run_pending()
    job = ExportJob.objects.get()
    client.force_login(admin_b)
    assert client.get(exports_url(world["mapping"])).status_code == 404
    assert client.post(exports_url(world["mapping"]), {"kind": "csv"}).status_code == 404
    assert client.get(download_url(job)).status_code == 404
    # Through admin_b's own organisation's address the job is not found either.
    assert client.get(download_url(job, "strangnas")).status_code == 404
    assert ExportJob.objects.count() == 1


def test_signed_out_visitors_are_sent_to_log_in(client: Any, world: dict[str, Any]) -> None:
    response = client.get(exports_url(world["mapping"]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_a_failed_export_is_recorded_with_a_message(
    client: Any, admin_a: Any, world: dict[str, Any], monkeypatch: Any
) -> None:
    def broken(*args: Any) -> None:
        raise RuntimeError("font missing")

    monkeypatch.setattr("kartbild.reports.exports.render_export", broken)
    client.force_login(admin_a)
    client.post(exports_url(world["mapping"]), {"kind": "pdf"})
    jobs.run_pending()
    job = ExportJob.objects.get()
    assert job.status == ExportJob.Status.FAILED
    assert "kunde inte skapas" in job.error
    assert "font missing" not in client.get(exports_url(world["mapping"])).content.decode()
    assert client.get(download_url(job)).status_code == 302


def test_a_job_is_claimed_once(admin_a: Any, world: dict[str, Any]) -> None:
    ExportJob.objects.create(
        organisation=world["mapping"].organisation,
        mapping=world["mapping"],
        kind="csv",
        created_by=admin_a,
    )
    first = jobs.claim_next()
    assert first is not None and first.status == ExportJob.Status.RUNNING
    assert jobs.claim_next() is None


def test_stale_and_expired_jobs_are_cleaned_up(admin_a: Any, world: dict[str, Any]) -> None:
    def job(status: str, age: timedelta) -> ExportJob:
        when = timezone.now() - age
        return ExportJob.objects.create(
            organisation=world["mapping"].organisation,
            mapping=world["mapping"],
            kind="csv",
            status=status,
            created_by=admin_a,
            created_at=when,
            updated_at=when,
            result=b"old" if status == "done" else None,
        )

    stale = job("running", timedelta(minutes=30))
    moving = job("running", timedelta(minutes=1))
    expired = job("done", timedelta(days=8))
    recent = job("done", timedelta(days=6))
    assert jobs.fail_stale() == 1
    stale.refresh_from_db()
    moving.refresh_from_db()
    assert stale.status == "failed" and stale.error and moving.status == "running"
    assert jobs.purge_expired() == 1
    assert not ExportJob.objects.filter(pk=expired.pk).exists()
    assert ExportJob.objects.filter(pk=recent.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_the_thread_runner_renders_a_job_after_the_request(
    client: Any, admin_a: Any, world: dict[str, Any], settings: Any
) -> None:
    settings.EXPORT_RUNNER = jobs.RUNNER_THREAD
    client.force_login(admin_a)
    started = time.monotonic()
    response = client.post(exports_url(world["mapping"]), {"kind": "csv"})
    assert response.status_code == 302
    # Wait for the thread without reading the job meanwhile: the test database is SQLite's
    # shared in-memory cache, whose table locks do not wait for each other the way a file's do.
    # The thread stops once the queue is empty, before the test database goes away.
    while jobs._thread is not None and time.monotonic() - started < 120:
        time.sleep(0.05)
    assert jobs._thread is None
    job = ExportJob.objects.get()
    assert job.status == ExportJob.Status.DONE
    assert client.get(download_url(job)).content[:2] == b"PK"

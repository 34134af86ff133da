"""The official documents of a published version in the public register: made once, when first asked for, on
the public's behalf; then downloaded by anyone; never of a version that is not published."""

import datetime
import io

import pytest
import time_machine
from django.urls import reverse
from pypdf import PdfReader

from budgeting.models import ApbdVersion
from masterdata.models import AuditEvent
from reporting.models import Job

pytestmark = pytest.mark.django_db


def _document_url(version, kind):
    return reverse("reporting:public-document", args=[version.fiscal_year.year, version.number, kind])


def test_a_citizen_asks_for_lampiran_i_once_and_then_downloads_it(
    client, published, django_capture_on_commit_callbacks
):
    version = published.version
    register = client.get(reverse("transparency:documents", args=[version.fiscal_year.year])).content.decode()
    url = _document_url(version, "lampiran-i-pdf")
    assert url in register and "dibuat saat pertama diminta" in register
    with django_capture_on_commit_callbacks(execute=True):
        first = client.get(url)
    job = Job.objects.get(kind="lampiran-i-pdf")
    assert first.status_code == 302 and first.url == reverse("reporting:job", args=[job.pk])
    assert job.requested_by is None and job.public
    assert AuditEvent.objects.filter(action="job.request", actor=None, object_id=str(job.pk)).exists()
    job.refresh_from_db()
    assert job.state == Job.State.DONE
    again = client.get(url)
    assert again.url == reverse("reporting:job-download", args=[job.pk])
    assert Job.objects.filter(kind="lampiran-i-pdf").count() == 1  # asking again only finds it
    download = client.get(again.url)
    assert download.status_code == 200
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(b"".join(download.streaming_content))).pages)
    assert "Ringkasan APBD" in text and "Halaman 1 dari" in text
    assert "halaman" in client.get(reverse("transparency:documents", args=[version.fiscal_year.year])).content.decode()


def test_a_failed_document_is_asked_for_anew(client, published, django_capture_on_commit_callbacks):
    url = _document_url(published.version, "penjabaran-xlsx")
    client.get(url)
    Job.objects.update(state=Job.State.FAILED, error="Pekerja berhenti.")
    client.get(url)
    assert list(Job.objects.order_by("pk").values_list("state", flat=True)) == [Job.State.FAILED, Job.State.QUEUED]


@pytest.mark.parametrize(
    "kind", ["dpa-pdf", "rka-import", "lra-pdf", "tidak-ada", "lampiran-i-pdf%00"], ids=lambda kind: kind[:12]
)
def test_only_the_registers_documents_may_be_asked_for(client, published, kind):
    year = published.fiscal_year.year
    assert client.get(f"/apbd/{year}/dokumen/{published.version.number}/{kind}/").status_code == 404
    assert not Job.objects.exists()


def test_a_version_not_published_has_no_public_document(client, published):
    ApbdVersion.objects.filter(pk=published.version.pk).update(state=ApbdVersion.State.ADOPTED)
    for user in (None, published.finance):
        if user:
            client.force_login(user)
        assert client.get(_document_url(published.version, "lampiran-i-pdf")).status_code == 404
    assert client.get(_document_url(published.version, "lampiran-i-pdf").replace("/1/", "/9/")).status_code == 404
    assert not Job.objects.exists()


def test_the_register_reads_a_constant_number_of_queries(
    client, published, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    url = reverse("transparency:documents", args=[published.fiscal_year.year])
    with django_assert_max_num_queries(7) as before:
        client.get(url)
        first = len(before)
    for kind in ("lampiran-i-pdf", "penjabaran-xlsx"):
        with django_capture_on_commit_callbacks(execute=True):
            client.get(_document_url(published.version, kind))
    with django_assert_max_num_queries(first):
        client.get(url)


def test_the_semester_report_is_public_once_june_is_closed_for_every_opd(
    client, executed, django_capture_on_commit_callbacks
):
    from reporting.selectors.realization import opds_with_issued_dpa
    from reporting.services.realization import move_month

    url = _document_url(executed.version, "semester-pdf")
    assert client.get(url).status_code == 404  # June has not even begun
    with time_machine.travel(datetime.datetime(2024, 7, 10, 9, tzinfo=datetime.UTC), tick=False):
        opds = list(opds_with_issued_dpa(executed.version.fiscal_year))
        for opd in opds[:-1]:
            move_month(
                actor=executed.finance, fiscal_year=executed.version.fiscal_year, opd=opd, month=6, action="close"
            )
        assert client.get(url).status_code == 404  # one OPD's June is still open
        register = reverse("transparency:documents", args=[2024])
        assert "Laporan realisasi semester I" in client.get(register).content.decode()
        assert url not in client.get(register).content.decode()
        move_month(
            actor=executed.finance, fiscal_year=executed.version.fiscal_year, opd=opds[-1], month=6, action="close"
        )
        assert url in client.get(register).content.decode()
        with django_capture_on_commit_callbacks(execute=True):
            assert client.get(url).status_code == 302
        job = Job.objects.get(kind="semester-pdf")
        assert job.public and job.requested_by is None and job.params["opd"] == ""
        job.refresh_from_db()
        assert job.state == Job.State.DONE
        text = (
            PdfReader(io.BytesIO(b"".join(client.get(client.get(url).url).streaming_content))).pages[0].extract_text()
        )
        assert "Semester" in text

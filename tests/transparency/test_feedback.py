"""Citizen feedback: anyone sends it (limited, honeypot), Bappeda moderates, the OPD answers, the public sees
what was approved, the auditor sees everything."""

import pytest
from django.urls import reverse

from masterdata.models import AuditEvent, User
from tests.budgeting.factories import BAPENDA, DINKES, SUB_A
from tests.factories import UserFactory
from transparency.models import Feedback

pytestmark = pytest.mark.django_db
TEXT = "Puskesmas di kecamatan kami belum punya dokter gigi."


def _send(client, published, **data):
    url = reverse("transparency:feedback-submit", args=[published.fiscal_year.year, DINKES])
    return client.post(url, {"text": TEXT, "name": "Siti", "contact": "0812", **data})


def _opd_page(client, published):
    return client.get(reverse("transparency:opd", args=[published.fiscal_year.year, DINKES])).content.decode()


def test_a_citizens_remark_waits_for_moderation_then_the_opd_answers_in_public(client, published):
    sent = _send(client, published, sub_kegiatan=SUB_A)
    assert sent.status_code == 302 and "#masukan" in sent["Location"]
    feedback = Feedback.objects.get()
    assert (feedback.state, feedback.sub_kegiatan_code, feedback.opd.code) == ("received", SUB_A, DINKES)
    assert AuditEvent.objects.filter(action="feedback.submit").exists()
    assert TEXT not in _opd_page(client, published)

    bappeda = UserFactory(role=User.Role.BAPPEDA)
    client.force_login(bappeda)
    assert TEXT in client.get(reverse("feedback:list")).content.decode()
    moderate = reverse("feedback:moderate", args=[feedback.pk])
    assert client.post(moderate, {"decision": "approve"}).status_code == 302
    client.logout()
    page = _opd_page(client, published)
    assert TEXT in page and "Menunggu jawaban OPD" in page and "0812" not in page  # the contact stays private

    client.force_login(published.staff[DINKES])
    answer = "Dokter gigi ditempatkan mulai Juli melalui formasi tahun ini."
    assert client.post(reverse("feedback:answer", args=[feedback.pk]), {"answer": answer}).status_code == 302
    client.logout()
    sub_page = client.get(
        reverse("transparency:sub-kegiatan", args=[published.fiscal_year.year, DINKES, SUB_A])
    ).content.decode()
    assert TEXT in sub_page and answer in sub_page


def test_a_rejection_needs_its_reason_and_only_bappeda_the_auditor_and_the_opd_see_it(client, published):
    _send(client, published)
    feedback = Feedback.objects.get()
    client.force_login(UserFactory(role=User.Role.BAPPEDA))
    moderate = reverse("feedback:moderate", args=[feedback.pk])
    refused = client.post(moderate, {"decision": "reject", "note": ""})
    assert refused.status_code == 422 and "alasan penolakan" in refused.content.decode()
    assert client.post(moderate, {"decision": "reject", "note": "Memuat data pribadi."}).status_code == 302
    client.force_login(UserFactory(role=User.Role.AUDITOR))
    audit_view = client.get(reverse("feedback:list"), {"status": "rejected"}).content.decode()
    assert TEXT in audit_view and "Memuat data pribadi." in audit_view
    client.force_login(published.staff[BAPENDA])
    assert TEXT not in client.get(reverse("feedback:list")).content.decode()
    client.logout()
    assert TEXT not in _opd_page(client, published)


def test_who_may_moderate_and_answer(client, published):
    _send(client, published)
    feedback = Feedback.objects.get()
    moderate = reverse("feedback:moderate", args=[feedback.pk])
    answer = reverse("feedback:answer", args=[feedback.pk])
    client.force_login(published.staff[DINKES])
    assert client.post(moderate, {"decision": "approve"}).status_code == 403
    client.force_login(published.staff[BAPENDA])
    assert client.post(answer, {"answer": "Bukan urusan kami sama sekali."}).status_code == 404
    client.force_login(UserFactory(role=User.Role.BAPPEDA))
    assert client.post(answer, {"answer": "Jawaban dari Bappeda saja."}).status_code == 403
    assert client.post(moderate, {"decision": "approve"}).status_code == 302
    assert client.post(moderate, {"decision": "approve"}).status_code == 409  # moderated once
    feedback.refresh_from_db()
    assert feedback.state == "approved"


def test_bots_and_floods_are_held_off_and_unpublished_years_take_nothing(client, published, reference_data):
    assert _send(client, published, website="http://spam.example").status_code == 302
    assert not Feedback.objects.exists()  # looks like a success, stores nothing
    for _ in range(4):
        _send(client, published)
    limited = _send(client, published)
    assert limited.status_code == 429 and limited["Retry-After"]
    assert Feedback.objects.count() == 4
    short = client.post(
        reverse("transparency:feedback-submit", args=[published.fiscal_year.year, DINKES]), {"text": "x"}
    )
    assert short.status_code in (422, 429)
    missing = reverse("transparency:feedback-submit", args=[published.fiscal_year.year + 1, DINKES])
    assert client.post(missing, {"text": TEXT}).status_code == 404


def test_the_feedback_list_reads_a_constant_number_of_queries(client, published, django_assert_max_num_queries):
    for _ in range(3):
        _send(client, published)
    client.force_login(UserFactory(role=User.Role.BAPPEDA))
    with django_assert_max_num_queries(10):
        assert client.get(reverse("feedback:list")).status_code == 200

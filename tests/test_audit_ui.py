import datetime
import re
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, transaction
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from masterdata import audit
from masterdata.middleware import RequestContextMiddleware
from masterdata.models import AuditEvent, Opd, User
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db

WIB = ZoneInfo("Asia/Jakarta")
LIST_URL = reverse("audit-list")
READERS = [User.Role.AUDITOR, User.Role.ADMIN]
NON_READERS = [User.Role.OPD_STAFF, User.Role.BAPPEDA, User.Role.FINANCE, User.Role.DPRD]


def detail_url(event):
    return reverse("audit-detail", args=[event.sequence])


def record(*, at=None, **kwargs):
    kwargs.setdefault("actor", None)
    kwargs.setdefault("action", "uji.ubah")
    kwargs.setdefault("object_type", "masterdata.opd")
    kwargs.setdefault("object_id", "1")
    with transaction.atomic():
        if at is None:
            return audit.record(**kwargs)
        with mock.patch.object(audit.timezone, "now", return_value=at):
            return audit.record(**kwargs)


def record_in_request(request_id, ip_address, **kwargs):
    """Record through the middleware, as a web request does, so request id and address are captured."""
    events = []

    def respond(request):
        events.append(record(**kwargs))
        return HttpResponse()

    request = RequestFactory().post("/", HTTP_X_REQUEST_ID=request_id, REMOTE_ADDR=ip_address)
    RequestContextMiddleware(respond)(request)
    return events[0]


def sequences(response):
    return [event.sequence for event in response.context["listing"].page.object_list]


@pytest.fixture
def opds(reference_data):
    return Opd.objects.get(code="1.02.0.00.0.00.01.00"), Opd.objects.get(code="1.03.0.00.0.00.01.00")


@pytest.fixture
def auditor_client(client):
    client.force_login(user_with_role(User.Role.AUDITOR))
    return client


# Who may read


def test_anonymous_is_sent_to_the_login_page(client, reference_data):
    event = record()
    for url in (LIST_URL, detail_url(event)):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("role", READERS)
def test_auditor_and_administrator_read_list_and_detail(client, reference_data, role):
    event = record(object_repr="Objek yang diubah")
    client.force_login(user_with_role(role))
    response = client.get(LIST_URL)
    assert response.status_code == 200
    assert event.sequence in sequences(response)
    assert client.get(detail_url(event)).status_code == 200


@pytest.mark.parametrize("role", NON_READERS)
def test_other_roles_get_403_on_the_list_and_404_on_an_event(client, reference_data, role):
    event = record()
    client.force_login(user_with_role(role))
    assert client.get(LIST_URL).status_code == 403
    missing = reverse("audit-detail", args=[event.sequence + 1000])
    # An existing event answers exactly like a missing one.
    assert client.get(detail_url(event)).status_code == 404
    assert client.get(missing).status_code == 404


def test_missing_event_is_404_for_an_auditor(auditor_client, reference_data):
    last = AuditEvent.objects.order_by("-sequence").first()
    assert auditor_client.get(reverse("audit-detail", args=[last.sequence + 1])).status_code == 404


def test_audit_link_in_the_menu_only_for_readers(client, reference_data):
    client.force_login(user_with_role(User.Role.AUDITOR))
    assert LIST_URL in client.get(reverse("home")).content.decode()
    client.force_login(user_with_role(User.Role.FINANCE))
    assert LIST_URL not in client.get(reverse("home")).content.decode()


def test_list_and_detail_are_read_only(auditor_client, reference_data):
    event = record()
    assert auditor_client.post(LIST_URL).status_code == 405
    assert auditor_client.post(detail_url(event)).status_code == 405


# Filters


def test_newest_first(auditor_client, reference_data):
    first, second = record(), record()
    found = sequences(auditor_client.get(LIST_URL, {"action": "uji.ubah"}))
    assert found == [second.sequence, first.sequence]


def test_filter_by_opd(auditor_client, opds):
    dinkes, pupr = opds
    mine = record(opd=dinkes, action="uji.opd")
    record(opd=pupr, action="uji.opd")
    assert sequences(auditor_client.get(LIST_URL, {"opd": dinkes.pk, "action": "uji.opd"})) == [mine.sequence]


def test_filter_by_actor(auditor_client, reference_data):
    alice, bob = user_with_role(User.Role.BAPPEDA), user_with_role(User.Role.FINANCE)
    by_alice = record(actor=alice)
    record(actor=bob)
    response = auditor_client.get(LIST_URL, {"actor": alice.pk})
    assert sequences(response) == [by_alice.sequence]
    # Only people who appear in the log are offered.
    offered = {user.pk for user in response.context["listing"].filterset.form.fields["actor"].queryset}
    assert {alice.pk, bob.pk} <= offered
    assert user_with_role(User.Role.DPRD).pk not in {
        user.pk for user in auditor_client.get(LIST_URL).context["listing"].filterset.form.fields["actor"].queryset
    }


def test_filter_by_object_type_and_id(auditor_client, reference_data):
    target = record(object_type="masterdata.user", object_id="7")
    record(object_type="masterdata.user", object_id="8")
    record(object_type="masterdata.opd", object_id="7")
    response = auditor_client.get(LIST_URL, {"object_type": "masterdata.user", "object_id": "7"})
    assert sequences(response) == [target.sequence]
    assert ("masterdata.user", "Pengguna (masterdata.user)") in response.context["listing"].filterset.form.fields[
        "object_type"
    ].choices


def test_filter_by_action(auditor_client, reference_data):
    created = record(action="uji.buat")
    record(action="uji.hapus")
    assert sequences(auditor_client.get(LIST_URL, {"action": "uji.buat"})) == [created.sequence]


def test_date_range_uses_jakarta_days(auditor_client, reference_data):
    # 23.30 WIB on 1 March is still 1 March, though it is 16.30 UTC; 00.30 WIB on 2 March is 17.30 UTC on 1 March.
    late_first = record(at=datetime.datetime(2024, 3, 1, 23, 30, tzinfo=WIB))
    early_second = record(at=datetime.datetime(2024, 3, 2, 0, 30, tzinfo=WIB))
    record(at=datetime.datetime(2024, 3, 5, 12, 0, tzinfo=WIB))
    params = {"action": "uji.ubah"}
    assert sequences(auditor_client.get(LIST_URL, {**params, "date_to": "2024-03-01"})) == [late_first.sequence]
    assert sequences(auditor_client.get(LIST_URL, {**params, "date_from": "2024-03-02", "date_to": "2024-03-02"})) == [
        early_second.sequence
    ]
    both = auditor_client.get(LIST_URL, {**params, "date_from": "2024-03-01", "date_to": "2024-03-04"})
    assert sequences(both) == [early_second.sequence, late_first.sequence]
    assert "23.30.00" in both.content.decode()


def test_reversed_date_range_is_an_error_and_shows_nothing(auditor_client, reference_data):
    record()
    response = auditor_client.get(LIST_URL, {"date_from": "2024-03-05", "date_to": "2024-03-01"})
    assert response.status_code == 200
    assert sequences(response) == []
    assert "Tanggal akhir tidak boleh sebelum tanggal awal." in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()


def test_unknown_choice_is_an_error_not_an_unfiltered_list(auditor_client, reference_data):
    record()
    response = auditor_client.get(LIST_URL, {"action": "tidak.ada"})
    assert sequences(response) == []
    assert response.context["listing"].filterset.form.errors["action"]


# Pagination and query count


def test_pages_of_fifty_with_links_that_keep_the_filters(auditor_client, reference_data):
    events = [record(action="uji.banyak") for _ in range(120)]
    params = {"action": "uji.banyak"}
    first = auditor_client.get(LIST_URL, params)
    assert sequences(first) == [event.sequence for event in reversed(events[-50:])]
    html = first.content.decode()
    assert "120 kejadian · halaman 1 dari 3" in html
    links = set(re.findall(r'href="(\?[^"]*)"', html))
    assert "?action=uji.banyak&amp;page=2" in links
    assert "?action=uji.banyak&amp;page=3" in links
    third = auditor_client.get(LIST_URL, {**params, "page": 3})
    assert sequences(third) == [event.sequence for event in reversed(events[:20])]
    assert 'aria-current="page"' in third.content.decode()
    # A page number out of range shows the last page rather than an error.
    assert sequences(auditor_client.get(LIST_URL, {**params, "page": 99})) == sequences(third)


def test_list_query_count_does_not_grow_with_rows(client, opds):
    dinkes, pupr = opds
    client.force_login(user_with_role(User.Role.AUDITOR))

    def queries_for_list():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(LIST_URL, {"action": "uji.hitung"}).status_code == 200
        return len(captured)

    record(action="uji.hitung", actor=user_with_role(User.Role.BAPPEDA), opd=dinkes)
    few = queries_for_list()
    for index in range(40):
        actor = user_with_role(User.Role.OPD_STAFF, opd=dinkes if index % 2 else pupr)
        record(action="uji.hitung", actor=actor, opd=actor.opd)
    assert queries_for_list() == few
    assert few <= 10


# Detail


def test_detail_shows_changes_side_by_side_hashes_request_and_address(auditor_client, opds):
    dinkes, _ = opds
    event = record_in_request(
        "req-abc-123",
        "10.20.30.40",
        action="uji.ubah",
        opd=dinkes,
        object_repr="Dinas Kesehatan",
        before={"name": "Lama", "price": "1000.00", "gone": True, "same": 1},
        after={"name": "Baru", "price": "1000.00", "new": [1, 2], "same": 1},
    )
    response = auditor_client.get(detail_url(event))
    html = response.content.decode()
    detail = response.context["detail"]
    assert {row.key: row.status for row in detail.changes} == {
        "gone": "dihapus",
        "name": "diubah",
        "new": "ditambah",
        "price": "",
        "same": "",
    }
    assert detail.changed_keys == ["gone", "name", "new"]
    assert html.count('class="changed"') == 3
    assert "3 kolom berubah" in html
    assert "&quot;Lama&quot;" in html and "&quot;Baru&quot;" in html
    for text in (event.hash, event.previous_hash, "req-abc-123", "10.20.30.40", "Dinas Kesehatan"):
        assert text in html
    assert detail.content_intact and detail.link_intact
    assert "Isi kejadian cocok dengan hash-nya" in html


def test_detail_of_a_creation_shows_every_key_as_added(auditor_client, reference_data):
    event = record(before=None, after={"username": "baru"})
    detail = auditor_client.get(detail_url(event)).context["detail"]
    assert [(row.key, row.status) for row in detail.changes] == [("username", "ditambah")]


def test_detail_compares_whole_values_that_are_not_objects(auditor_client, reference_data):
    event = record(before=[1, 2], after=[1, 3])
    detail = auditor_client.get(detail_url(event)).context["detail"]
    assert [(row.key, row.status) for row in detail.changes] == [("(nilai)", "diubah")]


def test_detail_links_to_neighbours_and_to_the_objects_history(auditor_client, reference_data):
    first, middle, last = record(), record(object_type="masterdata.user", object_id="5"), record()
    html = auditor_client.get(detail_url(middle)).content.decode()
    assert f'href="{detail_url(first)}"' in html
    assert f'href="{detail_url(last)}"' in html
    history = f"{LIST_URL}?object_type=masterdata.user&amp;object_id=5"
    assert history in html
    assert sequences(auditor_client.get(LIST_URL, {"object_type": "masterdata.user", "object_id": "5"})) == [
        middle.sequence
    ]


def test_detail_flags_a_tampered_event(auditor_client, reference_data):
    event = record(after={"n": 1})
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE masterdata_auditevent DISABLE TRIGGER masterdata_auditevent_no_update_delete")
        cursor.execute("UPDATE masterdata_auditevent SET after = %s WHERE id = %s", ['{"n": 2}', event.pk])
    response = auditor_client.get(detail_url(event))
    assert not response.context["detail"].content_intact
    assert "kejadian ini telah diubah" in response.content.decode()

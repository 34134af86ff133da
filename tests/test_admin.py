import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from demo import reference as demo
from masterdata import services
from masterdata.models import Account, AuditEvent, Opd, StandardPriceItem, User
from tests.factories import DEFAULT_PASSWORD, OpdFactory, UserFactory

pytestmark = pytest.mark.django_db
Role = User.Role


def make_user(role, **kwargs):
    """A user made the way the portal makes them (services set `is_staff` from the role)."""
    if role == Role.OPD_STAFF:
        kwargs.setdefault("opd", OpdFactory())
    return services.create_user(actor=None, username=f"uji.{role}", password=DEFAULT_PASSWORD, role=role, **kwargs)


def change_url(obj):
    return reverse(f"admin:masterdata_{obj._meta.model_name}_change", args=[obj.pk])


def last_event():
    return AuditEvent.objects.order_by("-sequence").first()


def account(fiscal_year, code):
    return Account.objects.get(version=fiscal_year.reference_version, code=code)


@pytest.fixture
def admin_client(client, reference_data):
    client.force_login(make_user(Role.ADMIN))
    return client


@pytest.fixture
def finance_client(client, reference_data):
    client.force_login(make_user(Role.FINANCE))
    return client


@pytest.fixture
def item(reference_data):
    demo.seed_standard_prices(year=2024, rng=random.Random(1), scale=0.1)
    return StandardPriceItem.objects.get(fiscal_year=reference_data, code="1.1.7.01.03.01.0001")


def opd_form(opd, **changes):
    data = {"code": opd.code, "name": opd.name, "kind": opd.kind, "parent": opd.parent_id or "", "is_active": "on"}
    return data | changes


def item_form(item, **changes):
    data = {
        "fiscal_year": item.fiscal_year_id,
        "kind": item.kind,
        "code": item.code,
        "name": item.name,
        "specification": item.specification,
        "unit": item.unit,
        "price": str(item.price),
        "tkdn_percent": str(item.tkdn_percent or ""),
        "accounts": [a.pk for a in item.accounts.all()],
        "is_active": "on",
    }
    return data | changes


def test_admin_role_changes_an_opd_and_it_is_audited_with_before_and_after(admin_client):
    opd = Opd.objects.get(code=demo.DINKES_CODE)
    assert admin_client.get(change_url(opd)).status_code == 200
    response = admin_client.post(change_url(opd), opd_form(opd, name="Dinas Kesehatan Kabupaten Bondowoso"))
    assert response.status_code == 302, response.context["adminform"].form.errors
    opd.refresh_from_db()
    assert opd.name == "Dinas Kesehatan Kabupaten Bondowoso"
    event = last_event()
    assert (event.action, event.object_type, event.object_id) == ("reference.update", "masterdata.opd", str(opd.pk))
    assert event.actor.username == "uji.admin"
    assert event.opd == opd
    assert event.before["name"] == "Dinas Kesehatan"
    assert event.after["name"] == "Dinas Kesehatan Kabupaten Bondowoso"


def test_saving_without_a_change_writes_no_event(admin_client):
    opd = Opd.objects.get(code=demo.DINKES_CODE)
    events = AuditEvent.objects.count()
    assert admin_client.post(change_url(opd), opd_form(opd)).status_code == 302
    assert AuditEvent.objects.count() == events


def test_finance_changes_a_standard_price_and_its_accounts_in_one_event(finance_client, item):
    year = item.fiscal_year
    events = AuditEvent.objects.count()
    accounts = [account(year, "5.1.02.01.01.0024").pk, account(year, "5.1.02.01.01.0036").pk]
    response = finance_client.post(change_url(item), item_form(item, price="33000", accounts=accounts))
    assert response.status_code == 302, response.context["adminform"].form.errors
    item.refresh_from_db()
    assert item.price == 33000
    assert AuditEvent.objects.count() == events + 1
    event = last_event()
    assert (event.action, event.actor.username) == ("reference.update", "uji.finance")
    assert event.after["price"] == "33000.00"
    assert event.before["accounts"] == [accounts[0]]
    assert event.after["accounts"] == sorted(accounts)


def test_finance_adds_a_standard_price_with_its_accounts_audited(finance_client, reference_data):
    url = reverse("admin:masterdata_standardpriceitem_add")
    ids = [account(reference_data, "5.1.02.01.01.0052").pk]
    data = {
        "fiscal_year": reference_data.pk,
        "kind": "SSH",
        "code": "1.1.7.01.05.01.0999",
        "name": "Makan rapat nasi kotak khusus",
        "unit": "OK",
        "price": "40000",
        "accounts": ids,
        "is_active": "on",
    }
    assert finance_client.post(url, data).status_code == 302
    created = StandardPriceItem.objects.get(code="1.1.7.01.05.01.0999")
    event = last_event()
    assert (event.action, event.object_id, event.before) == ("reference.create", str(created.pk), None)
    assert event.after["accounts"] == ids


def test_standard_price_form_refuses_accounts_an_item_may_not_use(finance_client, item):
    year = item.fiscal_year
    bad = [account(year, code).pk for code in ("5.1.02.01.01", "4.1.01.01.01.0001", "5.1.02.01.01.0003")]
    events = AuditEvent.objects.count()
    response = finance_client.post(change_url(item), item_form(item, price="-1", tkdn_percent="101", accounts=bad))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["price"] == ["Harga harus lebih dari 0."]
    assert errors["tkdn_percent"] == ["TKDN harus antara 0 dan 100 persen."]
    assert set(errors["accounts"]) == {
        "kode rekening 5.1.02.01.01 bukan tingkat sub rincian objek",
        "kode rekening 4.1.01.01.01.0001 bukan akun belanja (5)",
        "kode rekening 5.1.02.01.01.0003 sudah tidak aktif",
    }
    assert AuditEvent.objects.count() == events


def test_account_picker_offers_only_chargeable_accounts(finance_client, reference_data):
    response = finance_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "masterdata",
            "model_name": "standardpriceitem",
            "field_name": "accounts",
            "term": "5.1.02.01.01",
        },
    )
    assert response.status_code == 200
    texts = [result["text"] for result in response.json()["results"]]
    assert texts
    codes = [text.split()[0] for text in texts]
    assert all(code.startswith("5.1.02.01.01.") for code in codes)
    assert "5.1.02.01.01.0003" not in codes  # inactive


def test_finance_cannot_change_an_opd(finance_client):
    opd = Opd.objects.get(code=demo.DINKES_CODE)
    response = finance_client.post(change_url(opd), opd_form(opd, name="Diubah"))
    assert response.status_code == 403
    assert Opd.objects.get(pk=opd.pk).name == "Dinas Kesehatan"
    assert finance_client.get(reverse("admin:masterdata_user_changelist")).status_code == 403


def test_opd_staff_cannot_enter_admin(client, reference_data):
    client.force_login(make_user(Role.OPD_STAFF))
    for url in (reverse("admin:index"), reverse("admin:masterdata_opd_changelist")):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("admin:login"))


def test_index_lists_what_the_finance_officer_maintains(finance_client):
    response = finance_client.get(reverse("admin:index"))
    assert response.status_code == 200
    models = {model["object_name"] for app in response.context["app_list"] for model in app["models"]}
    assert "StandardPriceItem" in models
    assert "User" not in models and "AuditEvent" not in models


def assert_read_only(client, event):
    changelist = reverse("admin:masterdata_auditevent_changelist")
    assert client.get(changelist).status_code == 200
    assert client.get(change_url(event)).status_code == 200  # to view
    assert client.get(reverse("admin:masterdata_auditevent_add")).status_code == 403
    assert client.post(change_url(event), {"action": "diubah"}).status_code == 403
    delete_url = reverse("admin:masterdata_auditevent_delete", args=[event.pk])
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    # The bulk delete action is not offered at all, so the request changes nothing.
    client.post(changelist, {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"})
    assert AuditEvent.objects.filter(pk=event.pk, action=event.action).exists()


def test_audit_events_are_read_only_for_everyone(admin_client, reference_data):
    event = AuditEvent.objects.order_by("sequence").first()
    assert_read_only(admin_client, event)
    admin_client.force_login(UserFactory(username="super", role=Role.ADMIN, is_superuser=True, is_staff=True))
    assert_read_only(admin_client, event)


def test_deletes_go_through_the_service_and_are_audited(admin_client, item):
    delete_url = reverse("admin:masterdata_standardpriceitem_delete", args=[item.pk])
    assert admin_client.post(delete_url, {"post": "yes"}).status_code == 302
    assert not StandardPriceItem.objects.filter(pk=item.pk).exists()
    event = last_event()
    assert (event.action, event.object_id, event.before["code"]) == ("reference.delete", str(item.pk), item.code)

    others = list(StandardPriceItem.objects.order_by("code")[:2])
    events = AuditEvent.objects.count()
    bulk = {"action": "delete_selected", "_selected_action": [o.pk for o in others], "post": "yes"}
    assert admin_client.post(reverse("admin:masterdata_standardpriceitem_changelist"), bulk).status_code == 302
    assert not StandardPriceItem.objects.filter(pk__in=[o.pk for o in others]).exists()
    assert AuditEvent.objects.count() == events + 2


def test_an_opd_in_use_is_not_deleted(admin_client):
    opd = Opd.objects.get(code=demo.DINKES_CODE)
    make_user(Role.OPD_STAFF, opd=opd)
    events = AuditEvent.objects.count()
    response = admin_client.post(reverse("admin:masterdata_opd_delete", args=[opd.pk]), {"post": "yes"})
    assert response.status_code == 200  # the page lists what protects it
    assert Opd.objects.filter(pk=opd.pk).exists()
    assert AuditEvent.objects.count() == events


def test_admin_creates_a_user_through_the_service(admin_client):
    url = reverse("admin:masterdata_user_add")
    data = {
        "username": "staf.baru",
        "usable_password": "true",
        "password1": "Kata-sandi-panjang-1",
        "password2": "Kata-sandi-panjang-1",
        "role": Role.OPD_STAFF,
        "opd": "",
    }
    response = admin_client.post(url, data)
    assert response.context["adminform"].form.errors["opd"] == ["Staf OPD wajib terikat pada satu OPD."]
    opd = Opd.objects.get(code=demo.PUPR_CODE)
    assert admin_client.post(url, data | {"opd": opd.pk}).status_code == 302
    user = User.objects.get(username="staf.baru")
    assert (user.role, user.opd, user.is_staff) == (Role.OPD_STAFF, opd, False)
    event = last_event()
    assert (event.action, event.actor.username, event.opd) == ("user.create", "uji.admin", opd)
    assert "password" not in event.after


def test_role_change_in_admin_follows_is_staff_and_is_audited(admin_client):
    finance = make_user(Role.FINANCE)
    assert finance.is_staff
    opd = Opd.objects.get(code=demo.PUPR_CODE)
    data = {"username": finance.username, "role": Role.OPD_STAFF, "opd": opd.pk, "is_active": "on"}
    assert admin_client.post(change_url(finance), data).status_code == 302
    finance.refresh_from_db()
    assert (finance.role, finance.is_staff) == (Role.OPD_STAFF, False)
    event = last_event()
    assert event.action == "user.update"
    assert (event.before["role"], event.after["role"]) == (Role.FINANCE, Role.OPD_STAFF)
    assert (event.before["is_staff"], event.after["is_staff"]) == (True, False)


def test_password_change_in_admin_is_audited_without_the_password(admin_client):
    user = make_user(Role.BAPPEDA)
    url = reverse("admin:auth_user_password_change", args=[user.pk])
    data = {"usable_password": "true", "password1": "Sandi-baru-yang-kuat-9", "password2": "Sandi-baru-yang-kuat-9"}
    assert admin_client.post(url, data).status_code == 302
    user.refresh_from_db()
    assert user.check_password("Sandi-baru-yang-kuat-9")
    event = last_event()
    assert (event.action, event.object_id, event.actor.username) == ("user.password", str(user.pk), "uji.admin")
    assert event.after == {"usable_password": True}
    assert event.before is None


def test_users_are_never_deleted_in_admin(admin_client):
    user = make_user(Role.DPRD)
    response = admin_client.post(reverse("admin:masterdata_user_delete", args=[user.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert User.objects.filter(pk=user.pk).exists()


CHANGELISTS = [
    ("referenceversion", {"q": "Kepmendagri"}),
    ("fiscalyear", {"q": "2024", "is_active__exact": "1"}),
    ("nomenclature", {"q": "1.02", "level__exact": "sub_kegiatan", "is_active__exact": "1"}),
    ("account", {"q": "5.1.02", "level__exact": "sub_rincian_objek", "is_active__exact": "1"}),
    ("fundingsource", {"q": "1.2", "level__exact": "sub_rincian_objek"}),
    ("opd", {"q": "Dinas", "kind__exact": "dinas"}),
    ("standardpriceitem", {"q": "kertas", "kind__exact": "SSH", "is_active__exact": "1"}),
    ("standardpriceitem", {"o": "5"}),
    ("user", {"q": "uji", "role__exact": "admin", "is_active__exact": "1"}),
    ("auditevent", {"q": "reference", "action": "reference.load"}),
]


@pytest.mark.parametrize(("model_name", "params"), CHANGELISTS)
def test_changelists_load_with_search_and_filters_in_bounded_queries(
    admin_client, reference_data, model_name, params, django_assert_max_num_queries
):
    demo.seed_standard_prices(year=2024, rng=random.Random(3))
    version = reference_data.reference_version
    if model_name in ("nomenclature", "account", "fundingsource"):
        params = params | {"version__id__exact": version.pk}
    if model_name == "standardpriceitem":
        params = params | {"fiscal_year__id__exact": reference_data.pk}
    url = reverse(f"admin:masterdata_{model_name}_changelist")
    with django_assert_max_num_queries(12):
        response = admin_client.get(url, params)
    assert response.status_code == 200
    assert response.context["cl"].result_count > 0


def test_standard_price_changelist_queries_do_not_grow_with_rows(admin_client, django_assert_num_queries):
    url = reverse("admin:masterdata_standardpriceitem_changelist")
    demo.seed_standard_prices(year=2024, rng=random.Random(3), scale=0.05)
    with CaptureQueriesContext(connection) as few:
        admin_client.get(url)
    demo.seed_standard_prices(year=2024, rng=random.Random(3))
    with django_assert_num_queries(len(few.captured_queries)):
        response = admin_client.get(url)
    assert len(response.context["cl"].result_list) == 100

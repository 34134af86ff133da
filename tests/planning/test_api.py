"""The planning API through HTTP: scoping (404), permissions (403), lifecycle (409), locking (409), lists."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from masterdata.models import AuditEvent, FiscalYear, Opd, Region, User
from planning import services
from planning.models import Proposal, Renja, RenjaComment, Rkpd
from tests.factories import UserFactory
from tests.planning.factories import (
    FINAL_MOVES,
    PUPR_CODE,
    RenstraFactory,
    RenstraProgramFactory,
    RpjmdFactory,
    RpjmdGoalFactory,
    RpjmdTargetFactory,
    line_values,
    move_renja,
    renja_with_lines,
    staff_of,
    sub_kegiatan_for,
)

pytestmark = pytest.mark.django_db
API = "/api/v1"


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def errors_of(response, status):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"errors"} and body["errors"], body
    for error in body["errors"]:
        assert {"code", "message", "field"} <= set(error)
        assert error["message"]
    return body["errors"]


@pytest.fixture
def dprd(year):
    return UserFactory(role=User.Role.DPRD)


@pytest.fixture
def dinkes_renja(dinkes, dinkes_staff, year):
    return renja_with_lines(opd_=dinkes, fiscal_year=year, count=3, actor=dinkes_staff)


@pytest.fixture
def pupr_renja(pupr, pupr_staff, year):
    return renja_with_lines(opd_=pupr, fiscal_year=year, count=2, actor=pupr_staff)


# --- Renja: scoping --------------------------------------------------------------------------


def test_opd_staff_cannot_read_or_change_another_opds_renja(dinkes_staff, pupr_renja, dinkes, year):
    line = pupr_renja.lines.first()
    api = client_for(dinkes_staff)
    before = AuditEvent.objects.count()
    for response in (
        api.get(f"{API}/renja/{pupr_renja.pk}/"),
        api.get(f"{API}/renja/{pupr_renja.pk}/lines/"),
        api.get(f"{API}/renja/{pupr_renja.pk}/comments/"),
        api.get(f"{API}/renja/{pupr_renja.pk}/export/"),
        api.post(f"{API}/renja/{pupr_renja.pk}/transitions/", {"action": "submit"}, format="json"),
        api.post(f"{API}/renja/{pupr_renja.pk}/comments/", {"text": "Halo"}, format="json"),
        api.post(
            f"{API}/renja/{pupr_renja.pk}/lines/",
            {**_line_payload(sub_kegiatan_for(dinkes, year, 1)[0])},
            format="json",
        ),
        api.get(f"{API}/renja-lines/{line.pk}/"),
        api.patch(f"{API}/renja-lines/{line.pk}/", {"version": line.version, "location": "X"}, format="json"),
        api.delete(f"{API}/renja-lines/{line.pk}/"),
    ):
        assert errors_of(response, 404)[0]["code"] == "not_found"
    listed = api.get(f"{API}/renja/").json()
    assert pupr_renja.pk not in [row["id"] for row in listed["results"]]
    assert AuditEvent.objects.count() == before
    assert Renja.objects.get(pk=pupr_renja.pk).state == Renja.State.DRAFT


def test_missing_and_foreign_renja_answer_alike(dinkes_staff, pupr_renja):
    api = client_for(dinkes_staff)
    foreign = api.get(f"{API}/renja/{pupr_renja.pk}/")
    missing = api.get(f"{API}/renja/{pupr_renja.pk + 1000}/")
    assert foreign.status_code == missing.status_code == 404
    assert foreign.json() == missing.json()


def _line_payload(sub_kegiatan, **overrides):
    return {
        "sub_kegiatan": sub_kegiatan.code,
        "location": "Kecamatan Tamanan",
        "output_indicator": "Jumlah puskesmas yang direhabilitasi",
        "output_target": "4",
        "output_unit": "unit",
        "pagu_indikatif": "250000000.00",
        "pagu_indikatif_next": "275000000.00",
        **overrides,
    }


def test_opd_staff_builds_their_renja_through_the_api(dinkes, dinkes_staff, year):
    api = client_for(dinkes_staff)
    created = api.post(f"{API}/renja/", {"opd": dinkes.code, "year": year.year}, format="json")
    assert created.status_code == 201, created.content
    renja = created.json()
    assert (renja["stage"], renja["state"], renja["allowed_actions"]) == ("ranwal", "draft", ["submit"])
    for sub in sub_kegiatan_for(dinkes, year, 2):
        response = api.post(f"{API}/renja/{renja['id']}/lines/", _line_payload(sub), format="json")
        assert response.status_code == 201, response.content
        line = response.json()
        assert line["sub_kegiatan"]["code"] == sub.code
        assert line["kegiatan"]["code"] == sub.parent.code
        assert line["program"]["code"] == sub.parent.parent.code
        assert line["version"] == 1
    detail = api.get(f"{API}/renja/{renja['id']}/").json()
    assert detail["line_count"] == 2
    assert Decimal(detail["total_pagu"]) == Decimal("500000000.00")
    assert Decimal(detail["total_pagu_next"]) == Decimal("550000000.00")


def test_line_refusals_name_the_field(dinkes_renja, dinkes_staff, pupr, year):
    api = client_for(dinkes_staff)
    url = f"{API}/renja/{dinkes_renja.pk}/lines/"
    foreign_sub = sub_kegiatan_for(pupr, year, 1)[0]
    assert foreign_sub.code.startswith("1.03.")
    errors = errors_of(api.post(url, _line_payload(foreign_sub), format="json"), 400)
    assert [error["field"] for error in errors] == ["sub_kegiatan"]
    assert foreign_sub.code in errors[0]["message"]

    free_sub = sub_kegiatan_for(dinkes_renja.opd, year, 1, offset=5)[0]
    errors = errors_of(api.post(url, _line_payload(free_sub, pagu_indikatif="-5"), format="json"), 400)
    assert [error["field"] for error in errors] == ["pagu_indikatif"]

    # A code that names nothing answers like any missing object, naming the input.
    unknown = {**_line_payload(free_sub), "sub_kegiatan": "9.99.99.2.99.9999"}
    errors = errors_of(api.post(url, unknown, format="json"), 404)
    assert [(error["field"], error["code"]) for error in errors] == [("sub_kegiatan", "not_found")]

    taken = dinkes_renja.lines.first().sub_kegiatan
    errors = errors_of(api.post(url, _line_payload(taken), format="json"), 400)
    assert "sudah ada" in errors[0]["message"]
    assert dinkes_renja.lines.count() == 3


# --- Renja: DPRD, Bappeda and the lifecycle -------------------------------------------------


def test_dprd_sees_only_final_renja(dprd, dinkes_renja, pupr_renja, dinkes_staff, pupr_staff, bappeda):
    move_renja(pupr_renja, *FINAL_MOVES, staff=pupr_staff, bappeda=bappeda)
    move_renja(dinkes_renja, "submit", "verify", staff=dinkes_staff, bappeda=bappeda)
    api = client_for(dprd)
    listed = api.get(f"{API}/renja/").json()
    assert [row["id"] for row in listed["results"]] == [pupr_renja.pk]
    assert api.get(f"{API}/renja/{pupr_renja.pk}/").json()["stage"] == "final"
    assert api.get(f"{API}/renja/{pupr_renja.pk}/lines/").json()["count"] == 2
    errors_of(api.get(f"{API}/renja/{dinkes_renja.pk}/"), 404)
    errors_of(api.get(f"{API}/renja/{dinkes_renja.pk}/lines/"), 404)
    # Reading is not changing: DPRD may not move a Renja it sees.
    errors_of(api.post(f"{API}/renja/{pupr_renja.pk}/comments/", {"text": "Catatan"}, format="json"), 403)


def test_bappeda_returns_with_a_comment_and_verifies(dinkes_renja, dinkes_staff, bappeda):
    staff, planner = client_for(dinkes_staff), client_for(bappeda)
    url = f"{API}/renja/{dinkes_renja.pk}/transitions/"
    submitted = staff.post(url, {"action": "submit"}, format="json")
    assert submitted.status_code == 200, submitted.content
    assert submitted.json()["state"] == "submitted"

    errors = errors_of(staff.post(url, {"action": "verify"}, format="json"), 403)
    assert errors[0]["code"] == "permission_denied"
    errors = errors_of(planner.post(url, {"action": "return", "note": "  "}, format="json"), 400)
    assert errors[0]["field"] == "note"

    returned = planner.post(
        url, {"action": "return", "note": "Target keluaran baris pertama terlalu rendah."}, format="json"
    )
    assert returned.status_code == 200
    body = returned.json()
    assert (body["state"], body["is_editable"]) == ("returned", True)
    assert [t["action"] for t in body["transitions"]] == ["submit", "return"]
    comments = staff.get(f"{API}/renja/{dinkes_renja.pk}/comments/").json()["results"]
    assert [c["text"] for c in comments] == ["Target keluaran baris pertama terlalu rendah."]

    line = dinkes_renja.lines.first()
    fixed = staff.patch(f"{API}/renja-lines/{line.pk}/", {"version": 1, "output_target": "20"}, format="json")
    assert fixed.status_code == 200, fixed.content
    assert staff.post(url, {"action": "submit"}, format="json").json()["state"] == "submitted"
    verified = planner.post(url, {"action": "verify"}, format="json").json()
    assert (verified["state"], verified["allowed_actions"]) == ("verified", ["advance"])
    assert AuditEvent.objects.filter(action="renja.verify", object_id=str(dinkes_renja.pk)).count() == 1


def test_bappeda_comments_on_a_line_and_staff_reply(dinkes_renja, dinkes_staff, bappeda):
    line = dinkes_renja.lines.first()
    url = f"{API}/renja/{dinkes_renja.pk}/comments/"
    asked = client_for(bappeda).post(url, {"text": "Lokasi kurang rinci.", "line": line.pk}, format="json")
    assert asked.status_code == 201, asked.content
    assert asked.json()["line_code"] == line.sub_kegiatan.code
    answer = client_for(dinkes_staff).post(
        url, {"text": "Sudah dirinci.", "reply_to": asked.json()["id"]}, format="json"
    )
    assert answer.status_code == 201
    assert RenjaComment.objects.get(pk=answer.json()["id"]).reply_to_id == asked.json()["id"]


def test_illegal_transitions_answer_409_with_state_and_allowed_moves(dinkes_renja, dinkes_staff, bappeda):
    url = f"{API}/renja/{dinkes_renja.pk}/transitions/"
    planner = client_for(bappeda)
    for action in ("verify", "return", "advance", "finalise"):
        errors = errors_of(planner.post(url, {"action": action, "note": "x"}, format="json"), 409)
        assert errors[0]["code"] == "transition_not_allowed"
        assert errors[0]["current"] == {"stage": "ranwal", "state": "draft"}
        assert errors[0]["allowed"] == ["submit"]
    move_renja(dinkes_renja, *FINAL_MOVES, staff=dinkes_staff, bappeda=bappeda)
    errors = errors_of(client_for(dinkes_staff).post(url, {"action": "submit"}, format="json"), 409)
    assert errors[0]["current"] == {"stage": "final", "state": "verified"}
    assert errors[0]["allowed"] == []
    errors = errors_of(planner.post(url, {"action": "menyetujui"}, format="json"), 400)
    assert errors[0]["field"] == "action"


def test_lines_of_a_submitted_renja_are_frozen_for_its_own_staff(dinkes_renja, dinkes_staff, bappeda, year):
    move_renja(dinkes_renja, "submit", staff=dinkes_staff, bappeda=bappeda)
    line = dinkes_renja.lines.first()
    api = client_for(dinkes_staff)
    errors = errors_of(api.patch(f"{API}/renja-lines/{line.pk}/", {"version": 1, "location": "X"}, format="json"), 409)
    assert errors[0]["current"]["state"] == "submitted"
    errors_of(api.delete(f"{API}/renja-lines/{line.pk}/"), 409)
    sub = sub_kegiatan_for(dinkes_renja.opd, year, 1, offset=10)[0]
    errors_of(api.post(f"{API}/renja/{dinkes_renja.pk}/lines/", _line_payload(sub), format="json"), 409)
    # Bappeda reads the lines but is not their author.
    errors_of(client_for(bappeda).patch(f"{API}/renja-lines/{line.pk}/", {"version": 1}, format="json"), 403)


def test_stale_patch_answers_409_with_the_current_values(dinkes_renja, dinkes_staff):
    line = dinkes_renja.lines.first()
    url = f"{API}/renja-lines/{line.pk}/"
    first, second = client_for(dinkes_staff), client_for(staff_of(dinkes_renja.opd))
    opened = first.get(url).json()
    assert opened["version"] == 1
    saved = second.patch(url, {"version": 1, "pagu_indikatif": "99000000.00"}, format="json")
    assert saved.status_code == 200, saved.content
    assert saved.json()["version"] == 2

    errors = errors_of(first.patch(url, {"version": 1, "pagu_indikatif": "1.00"}, format="json"), 409)
    assert errors[0]["code"] == "stale"
    assert errors[0]["current"]["version"] == 2
    assert errors[0]["current"]["pagu_indikatif"] == "99000000.00"
    assert errors[0]["current"]["sub_kegiatan"]["code"] == line.sub_kegiatan.code
    line.refresh_from_db()
    assert (line.version, line.pagu_indikatif) == (2, Decimal("99000000.00"))

    errors = errors_of(first.patch(url, {"pagu_indikatif": "1.00"}, format="json"), 400)
    assert errors[0]["field"] == "version"
    merged = first.patch(url, {"version": 2, "pagu_indikatif": "1.00"}, format="json")
    assert merged.json()["version"] == 3


def test_delete_line(dinkes_renja, dinkes_staff):
    line = dinkes_renja.lines.first()
    response = client_for(dinkes_staff).delete(f"{API}/renja-lines/{line.pk}/")
    assert response.status_code == 204
    assert not dinkes_renja.lines.filter(pk=line.pk).exists()
    assert AuditEvent.objects.filter(action="renja_line.delete", object_id=str(line.pk)).exists()


# --- Proposals --------------------------------------------------------------------------------


def _proposal_payload(year, **overrides):
    kecamatan = Region.objects.filter(level="kecamatan").order_by("code").first()
    return {
        "source": "forum_opd",
        "year": year.year,
        "title": "Rehabilitasi Puskesmas Maesan",
        "description": "Atap bocor dan ruang tunggu sempit.",
        "kecamatan": kecamatan.code,
        "village": kecamatan.villages.order_by("code").first().code,
        "proposer_name": "Forum Kesehatan Desa",
        "estimated_cost": "350000000.00",
        "suggested_opd": PUPR_CODE,
        "priority": 2,
        **overrides,
    }


def test_staff_submit_proposals_only_from_their_sources(dinkes_staff, dprd, year):
    staff = client_for(dinkes_staff)
    created = staff.post(f"{API}/proposals/", _proposal_payload(year), format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["status"], body["stage"], body["is_moderated"]) == ("in_review", "forum_opd", True)
    assert [h["to_status"] for h in body["history"]] == ["in_review"]
    errors_of(staff.post(f"{API}/proposals/", _proposal_payload(year, source="pokir"), format="json"), 403)
    pokir = client_for(dprd).post(f"{API}/proposals/", _proposal_payload(year, source="pokir"), format="json")
    assert pokir.status_code == 201
    assert pokir.json()["stage"] == "kabupaten"
    other = Region.objects.filter(level="kecamatan").order_by("code").last()
    errors = errors_of(
        staff.post(f"{API}/proposals/", _proposal_payload(year, kecamatan=other.code), format="json"), 400
    )
    assert [error["field"] for error in errors] == ["village"]


def test_citizen_proposal_is_moderated_then_decided(year, bappeda, pupr_staff, dinkes_staff, pupr_renja):
    kecamatan = Region.objects.filter(level="kecamatan").first()
    proposal = services.submit_proposal(
        actor=None,
        source="citizen",
        fiscal_year=year,
        title="Perbaikan jalan desa",
        description="Jalan rusak sepanjang 2 km.",
        kecamatan=kecamatan,
        proposer_name="Warga",
        estimated_cost=Decimal("500000000"),
        suggested_opd=pupr_renja.opd,
    )
    url = f"{API}/proposals/{proposal.pk}"
    errors_of(client_for(pupr_staff).get(f"{url}/"), 404)
    assert proposal.pk not in [p["id"] for p in client_for(pupr_staff).get(f"{API}/proposals/").json()["results"]]

    planner = client_for(bappeda)
    errors = errors_of(planner.post(f"{url}/accept/", {"renja_line": pupr_renja.lines.first().pk}, format="json"), 409)
    assert errors[0]["allowed"] == ["moderate"]
    assert planner.post(f"{url}/moderate/", {"approve": True}, format="json").json()["status"] == "in_review"

    errors_of(client_for(dinkes_staff).post(f"{url}/reject/", {"reason": "Bukan kewenangan"}, format="json"), 403)
    owner = client_for(pupr_staff)
    errors = errors_of(owner.post(f"{url}/reject/", {"reason": ""}, format="json"), 400)
    assert errors[0]["field"] == "reason"
    line = pupr_renja.lines.first()
    accepted = owner.post(f"{url}/accept/", {"renja_line": line.pk, "note": "Masuk Renja"}, format="json")
    assert accepted.status_code == 200, accepted.content
    assert (accepted.json()["status"], accepted.json()["renja_line"]) == ("accepted", line.pk)
    assert [h["to_status"] for h in accepted.json()["history"]] == ["received", "in_review", "accepted"]
    errors = errors_of(owner.post(f"{url}/defer/", {"to_year": year.year + 1}, format="json"), 409)
    assert errors[0]["current"]["status"] == "accepted"


def test_accept_answers_404_for_a_renja_line_the_user_cannot_see(year, pupr_staff, dinkes_renja):
    proposal = services.submit_proposal(
        actor=pupr_staff,
        source="forum_opd",
        fiscal_year=year,
        title="Jembatan",
        description="Jembatan putus.",
        kecamatan=Region.objects.filter(level="kecamatan").first(),
        proposer_name="Forum PUPR",
        estimated_cost=Decimal("1"),
        suggested_opd=pupr_staff.opd,
    )
    response = client_for(pupr_staff).post(
        f"{API}/proposals/{proposal.pk}/accept/", {"renja_line": dinkes_renja.lines.first().pk}, format="json"
    )
    assert errors_of(response, 404)[0]["field"] == "renja_line"
    assert Proposal.objects.get(pk=proposal.pk).status == "in_review"


# --- RPJMD and Renstra ------------------------------------------------------------------------


def test_bappeda_enters_the_rpjmd_and_others_read_it(bappeda, dinkes_staff, dprd, year):
    planner = client_for(bappeda)
    rpjmd = planner.post(f"{API}/rpjmd/", {"title": "RPJMD 2021-2026", "first_year": 2021}, format="json")
    assert rpjmd.status_code == 201, rpjmd.content
    rpjmd_id = rpjmd.json()["id"]
    goal = planner.post(f"{API}/rpjmd/{rpjmd_id}/goals/", {"code": "1", "statement": "Masyarakat sehat"}, format="json")
    assert goal.status_code == 201
    target = planner.post(
        f"{API}/rpjmd-goals/{goal.json()['id']}/targets/",
        {"code": "1.1", "statement": "Derajat kesehatan naik", "indicator": "AHH", "unit": "tahun", "target_1": "70.5"},
        format="json",
    )
    assert target.status_code == 201, target.content
    assert target.json()["target_1"] == "70.50"
    errors = errors_of(
        planner.post(
            f"{API}/rpjmd-goals/{goal.json()['id']}/targets/",
            {"code": "1.1", "statement": "x", "indicator": "x", "unit": "x"},
            format="json",
        ),
        400,
    )
    assert errors[0]["field"] == "code"

    for user in (dinkes_staff, dprd):
        api = client_for(user)
        goals = api.get(f"{API}/rpjmd/{rpjmd_id}/goals/").json()
        assert [t["code"] for t in goals["results"][0]["targets"]] == ["1.1"]
        errors_of(api.post(f"{API}/rpjmd/{rpjmd_id}/goals/", {"code": "2", "statement": "x"}, format="json"), 403)
        errors_of(api.patch(f"{API}/rpjmd-targets/{target.json()['id']}/", {"unit": "persen"}, format="json"), 403)
    patched = planner.patch(f"{API}/rpjmd-targets/{target.json()['id']}/", {"unit": "persen"}, format="json")
    assert patched.json()["unit"] == "persen"
    assert AuditEvent.objects.filter(action="rpjmd_target.update").count() == 1


def test_renstra_belongs_to_its_own_opd(dinkes, dinkes_staff, pupr_staff, bappeda, year):
    target = RpjmdTargetFactory(goal=RpjmdGoalFactory(rpjmd=RpjmdFactory()))
    rpjmd = target.goal.rpjmd
    staff = client_for(dinkes_staff)
    errors_of(
        client_for(pupr_staff).post(f"{API}/renstra/", {"opd": dinkes.code, "rpjmd": rpjmd.pk}, format="json"), 403
    )
    errors_of(client_for(bappeda).post(f"{API}/renstra/", {"opd": dinkes.code, "rpjmd": rpjmd.pk}, format="json"), 403)
    created = staff.post(f"{API}/renstra/", {"opd": dinkes.code, "rpjmd": rpjmd.pk}, format="json")
    assert created.status_code == 201, created.content
    renstra_id = created.json()["id"]
    payload = {"program": "1.02.02", "rpjmd_target": target.pk, "indicator": "Akreditasi", "unit": "persen"}
    program = staff.post(f"{API}/renstra/{renstra_id}/programs/", payload, format="json")
    assert program.status_code == 201, program.content
    assert program.json()["program"]["code"] == "1.02.02"
    errors = errors_of(
        staff.post(f"{API}/renstra/{renstra_id}/programs/", {**payload, "program": "1.03.02"}, format="json"), 400
    )
    assert errors[0]["field"] == "program"

    errors_of(client_for(pupr_staff).get(f"{API}/renstra/{renstra_id}/"), 404)
    errors_of(client_for(pupr_staff).get(f"{API}/renstra-programs/{program.json()['id']}/"), 404)
    assert client_for(bappeda).get(f"{API}/renstra/{renstra_id}/programs/").json()["count"] == 1
    errors_of(client_for(bappeda).delete(f"{API}/renstra-programs/{program.json()['id']}/"), 403)


# --- RKPD ------------------------------------------------------------------------------------


def test_rkpd_consolidates_final_renja_with_totals(
    dinkes_renja, pupr_renja, dinkes_staff, pupr_staff, bappeda, dprd, year
):
    served = RenstraProgramFactory(renstra=RenstraFactory(opd=dinkes_renja.opd))
    unserved = RpjmdTargetFactory(goal=served.rpjmd_target.goal)
    line = dinkes_renja.lines.first()
    services.update_renja_line(actor=dinkes_staff, line=line, expected_version=1, renstra_program=served)
    move_renja(dinkes_renja, *FINAL_MOVES, staff=dinkes_staff, bappeda=bappeda)
    url = f"{API}/rkpd/{year.year}"
    errors_of(client_for(dinkes_staff).post(f"{url}/consolidate/"), 403)
    errors_of(client_for(bappeda).get(f"{url}/"), 404)  # not consolidated yet

    consolidated = client_for(bappeda).post(f"{url}/consolidate/")
    assert consolidated.status_code == 200, consolidated.content
    body = consolidated.json()
    assert Decimal(body["total_pagu"]) == Decimal("450000000.00")
    assert [row["code"] for row in body["by_opd"]] == [dinkes_renja.opd.code]
    assert sum(row["lines"] for row in body["by_program"]) == 3
    coverage = {row["id"]: row for row in body["coverage"]}
    assert coverage[served.rpjmd_target_id]["is_served"] is True
    assert coverage[served.rpjmd_target_id]["line_count"] == 1
    assert coverage[served.rpjmd_target_id]["target"] == "70.70"  # 2024 is the fourth year of 2021-2025
    assert coverage[unserved.pk]["is_served"] is False

    errors = errors_of(client_for(bappeda).post(f"{url}/finalize/", {}, format="json"), 400)
    assert pupr_renja.opd.name in errors[0]["message"]
    move_renja(pupr_renja, *FINAL_MOVES, staff=pupr_staff, bappeda=bappeda)
    client_for(bappeda).post(f"{url}/consolidate/")
    final = client_for(bappeda).post(f"{url}/finalize/", {"regulation": "Perbup 12/2023"}, format="json")
    assert final.json()["state"] == "final"
    assert Decimal(final.json()["total_pagu"]) == Decimal("750000000.00")
    errors = errors_of(client_for(bappeda).post(f"{url}/consolidate/"), 409)
    assert errors[0]["current"] == {"state": "final"}
    read = client_for(dprd).get(f"{url}/")
    assert read.status_code == 200
    assert Rkpd.objects.get(fiscal_year=year).state == "final"


# --- Query counts -----------------------------------------------------------------------------


def _queries(api, url):
    with CaptureQueriesContext(connection) as queries:
        response = api.get(url)
    assert response.status_code == 200, response.content
    return len(queries)


def test_list_query_counts_do_not_grow_with_rows(dinkes, dinkes_staff, pupr, pupr_staff, bappeda, year):
    renja = renja_with_lines(opd_=dinkes, fiscal_year=year, count=2, actor=dinkes_staff)
    program = RenstraProgramFactory(renstra=RenstraFactory(opd=dinkes))
    goal = program.rpjmd_target.goal
    proposal_values = _proposal_payload(year)
    kecamatan = Region.objects.get(code=proposal_values["kecamatan"])

    def add_rows(offset):
        for sub in sub_kegiatan_for(dinkes, year, 5, offset=offset):
            line = services.add_renja_line(actor=dinkes_staff, renja=renja, **line_values(sub, renstra_program=program))
            line.regions.set([kecamatan])
            services.comment_renja(actor=bappeda, renja=renja, line=line, text="Periksa lokasi")
        for n in range(5):
            services.submit_proposal(
                actor=dinkes_staff,
                source="forum_opd",
                fiscal_year=year,
                title=f"Usulan {offset}-{n}",
                description="Uraian",
                kecamatan=kecamatan,
                proposer_name="Forum",
                estimated_cost=Decimal("1000"),
                suggested_opd=dinkes,
            )
            RpjmdTargetFactory(goal=goal)
            RenstraProgramFactory(renstra=program.renstra)  # with a new target under a new goal
        for other in Opd.objects.exclude(renjas__fiscal_year=year).order_by("code")[:3]:
            renja_with_lines(opd_=other, fiscal_year=year, count=1)
            RenstraFactory(opd=other, rpjmd=program.renstra.rpjmd)
        RpjmdFactory(first_year=2030 + offset)
        for fiscal_year in FiscalYear.objects.filter(rkpd__isnull=True).order_by("year")[:2]:
            services.consolidate_rkpd(actor=bappeda, fiscal_year=fiscal_year)

    urls = [
        f"{API}/rpjmd/",
        f"{API}/rkpd/",
        f"{API}/renja/",
        f"{API}/renja/{renja.pk}/",
        f"{API}/renja/{renja.pk}/lines/",
        f"{API}/renja/{renja.pk}/comments/",
        f"{API}/proposals/",
        f"{API}/rpjmd/{goal.rpjmd_id}/goals/",
        f"{API}/rpjmd-goals/{goal.pk}/targets/",
        f"{API}/renstra/",
        f"{API}/renstra/{program.renstra_id}/programs/",
    ]
    api = client_for(bappeda)
    add_rows(2)
    few = [_queries(api, url) for url in urls]
    add_rows(7)
    add_rows(12)
    many = [_queries(api, url) for url in urls]
    assert many == few


def test_a_proposals_first_history_entry_has_no_previous_status(dinkes_staff, year):
    created = client_for(dinkes_staff).post(f"{API}/proposals/", _proposal_payload(year), format="json")
    detail = client_for(dinkes_staff).get(f"{API}/proposals/{created.json()['id']}/").json()
    assert detail["history"][0]["from_status"] is None
    assert detail["history"][0]["to_status"] == "in_review"  # staff proposals need no moderation

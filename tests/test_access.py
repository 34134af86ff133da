"""Every branch of the access module (masterdata/access.py) against the oracle in ARCHITECTURE.md, "Who may do what"."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from masterdata import access
from masterdata.models import AuditEvent, Opd, User
from tests.factories import OpdFactory, user_with_role

pytestmark = pytest.mark.django_db
Role = User.Role
ALL_ROLES = list(Role)


@pytest.fixture
def users(reference_data):
    return {role: user_with_role(role) for role in ALL_ROLES}


def test_role_of_anonymous_inactive_and_each_role(users):
    assert access.role_of(AnonymousUser()) is None
    assert access.role_of(None) is None
    inactive = user_with_role(Role.BAPPEDA, is_active=False)
    assert access.role_of(inactive) is None
    for role, user in users.items():
        assert access.role_of(user) == role


@pytest.mark.parametrize(
    ("permission", "allowed"),
    [
        ("masterdata.view_nomenclature", set(Role)),
        ("masterdata.view_opd", set(Role)),
        ("masterdata.view_standardpriceitem", set(Role)),
        ("masterdata.change_nomenclature", {Role.ADMIN}),
        ("masterdata.add_account", {Role.ADMIN}),
        ("masterdata.delete_fundingsource", {Role.ADMIN}),
        ("masterdata.change_opd", {Role.ADMIN}),
        ("masterdata.change_fiscalyear", {Role.ADMIN}),
        ("masterdata.add_standardpriceitem", {Role.ADMIN, Role.FINANCE}),
        ("masterdata.change_standardpriceitem", {Role.ADMIN, Role.FINANCE}),
        ("masterdata.delete_standardpriceitem", {Role.ADMIN, Role.FINANCE}),
        ("masterdata.view_user", {Role.ADMIN}),
        ("masterdata.change_user", {Role.ADMIN}),
        ("masterdata.view_auditevent", {Role.AUDITOR, Role.ADMIN}),
        ("masterdata.change_auditevent", set()),
        ("masterdata.delete_auditevent", set()),
    ],
)
def test_permission_matrix(users, permission, allowed):
    granted = {role for role, user in users.items() if user.has_perm(permission)}
    assert granted == allowed
    assert not AnonymousUser().has_perm(permission)


def test_deactivated_user_holds_no_permission(reference_data):
    user = user_with_role(Role.ADMIN, is_active=False)
    assert not user.has_perm("masterdata.view_opd")
    assert not access.can_enter_admin(user)


def test_can_enter_admin(users):
    assert {role for role, user in users.items() if access.can_enter_admin(user)} == {Role.ADMIN, Role.FINANCE}


def test_is_own_opd(users):
    staff = users[Role.OPD_STAFF]
    other = OpdFactory()
    assert access.is_own_opd(staff, staff.opd)
    assert not access.is_own_opd(staff, other)
    assert access.is_own_opd(staff, User(opd=staff.opd))  # any object carrying an opd_id
    assert not access.is_own_opd(staff, User(opd=other))
    assert not access.is_own_opd(staff, AuditEvent())  # no OPD at all
    assert not access.is_own_opd(staff, None)
    assert not access.is_own_opd(users[Role.BAPPEDA], staff.opd)


def test_require_raises_403_with_indonesian_message(users):
    access.require(users[Role.ADMIN], "masterdata.change_opd")
    with pytest.raises(PermissionDenied, match="tidak berwenang"):
        access.require(users[Role.FINANCE], "masterdata.change_opd")


def test_get_visible_or_404_same_answer_for_missing_and_not_yours(users):
    staff = users[Role.OPD_STAFF]
    other = OpdFactory()
    scoped = access.scope_by_own_opd(staff, User.objects.all(), readers_of_all={Role.BAPPEDA})
    colleague = user_with_role(Role.OPD_STAFF, opd=staff.opd)
    stranger = user_with_role(Role.OPD_STAFF, opd=other)
    assert access.get_visible_or_404(scoped, pk=colleague.pk) == colleague
    errors = []
    for lookup in ({"pk": stranger.pk}, {"pk": 10**9}, {"pk": "bukan-angka"}):
        with pytest.raises(Http404) as caught:
            access.get_visible_or_404(scoped, **lookup)
        errors.append(str(caught.value))
    assert errors == [access.NOT_FOUND_MESSAGE] * 3


def test_scope_reference(users):
    queryset = Opd.objects.all()
    for user in users.values():
        assert access.scope_reference(user, queryset).count() == queryset.count()
    assert access.scope_reference(AnonymousUser(), queryset).count() == 0


def test_scope_audit_events(users):
    total = AuditEvent.objects.count()
    assert total > 0
    visible = {role: access.scope_audit_events(user, AuditEvent.objects.all()).count() for role, user in users.items()}
    assert visible == {role: (total if role in (Role.AUDITOR, Role.ADMIN) else 0) for role in Role}


def test_scope_by_own_opd(users):
    staff = users[Role.OPD_STAFF]
    user_with_role(Role.OPD_STAFF)  # someone of another OPD
    queryset = User.objects.filter(role=Role.OPD_STAFF)
    readers = {Role.BAPPEDA, Role.FINANCE, Role.AUDITOR}
    assert set(access.scope_by_own_opd(staff, queryset, readers_of_all=readers).values_list("opd", flat=True)) == {
        staff.opd_id
    }
    for role in readers:
        assert access.scope_by_own_opd(users[role], queryset, readers_of_all=readers).count() == queryset.count()
    for role in (Role.DPRD, Role.ADMIN):
        assert access.scope_by_own_opd(users[role], queryset, readers_of_all=readers).count() == 0
    assert access.scope_by_own_opd(AnonymousUser(), queryset, readers_of_all=readers).count() == 0

"""Every write to reference data, users and fiscal years: one transaction, one audit event each."""

import datetime
import hashlib
import secrets
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from . import access, audit, importers
from .models import (
    Account,
    ApiToken,
    FiscalYear,
    FundingSource,
    Nomenclature,
    Opd,
    ReferenceVersion,
    Region,
    User,
)

DATA_DIR = Path(__file__).resolve().parent / "data"
SHIPPED_VERSION = {
    "name": "Kepmendagri 050-3708/2020",
    "regulation_name": "Permendagri 90/2019 sebagaimana dimutakhirkan Kepmendagri No. 050-3708 Tahun 2020",
    "regulation_number": "050-3708 Tahun 2020",
    "regulation_date": datetime.date(2020, 11, 20),
    "notes": "Salinan lampiran per 20/11/2020; sumber dan atribusi: masterdata/data/README.md.",
}
SHIPPED_YEARS = range(2021, 2028)
SECRETARIAT_CODE = "4.01.0.00.0.00.01.0000"

CODED_KINDS = {
    Nomenclature: (importers.NOMENCLATURE_PATTERNS, importers.NOMENCLATURE_PARENT_STRIP),
    Account: (importers.ACCOUNT_PATTERNS, importers.SIX_LEVEL_PARENT_STRIP),
    FundingSource: (importers.FUNDING_SOURCE_PATTERNS, importers.SIX_LEVEL_PARENT_STRIP),
}


@dataclass
class SyncResult:
    """What a load did to one kind of reference data."""

    kind: str
    label: str
    per_level: dict = field(default_factory=dict)
    created: int = 0
    updated: int = 0

    @property
    def changed(self):
        return bool(self.created or self.updated)

    def as_dict(self):
        return {"per_level": self.per_level, "created": self.created, "updated": self.updated}


def _apply(instance, values):
    """Set the values on the instance; True when any of them differed."""
    if all(getattr(instance, key) == value for key, value in values.items()):
        return False
    for key, value in values.items():
        setattr(instance, key, value)
    return True


def _create_or_update(model, existing, code, values, result):
    """Create the row with this code, or save the differing values of the existing one; counts either."""
    instance = existing.get(code)
    if instance is None:
        existing[code] = model.objects.create(code=code, **values)
        result.created += 1
    elif _apply(instance, values):
        instance.save()
        result.updated += 1


def _sync_coded_rows(model, version, rows):
    """Create missing rows and update changed ones of one version; never delete (rows may be in use)."""
    levels = list(CODED_KINDS[model][0])
    result = SyncResult(model._meta.model_name, str(model._meta.verbose_name_plural))
    result.per_level = {level: 0 for level in levels}
    existing = {node.code: node for node in model.objects.filter(version=version)}
    ids = {code: node.pk for code, node in existing.items()}
    for level in levels:
        level_rows = [row for row in rows if row.level == level]
        result.per_level[level] = len(level_rows)
        to_create, to_update = [], []
        for row in level_rows:
            values = {
                "name": row.name,
                "level": row.level,
                "is_active": row.is_active,
                "parent_id": ids.get(row.parent_code),
                **row.extra,
            }
            node = existing.get(row.code)
            if node is None:
                to_create.append(model(version=version, code=row.code, **values))
            elif _apply(node, values):
                to_update.append(node)
        if to_create:
            model.objects.bulk_create(to_create, batch_size=1000)
            ids.update(model.objects.filter(version=version, level=level).values_list("code", "pk"))
        if to_update:
            fields = ["name", "level", "is_active", "parent", *rows[0].extra]
            model.objects.bulk_update(to_update, fields, batch_size=1000)
        result.created += len(to_create)
        result.updated += len(to_update)
    return result


def _sync_opds(rows):
    result = SyncResult(Opd._meta.model_name, str(Opd._meta.verbose_name_plural))
    result.per_level = dict(Counter(row["kind"] for row in rows))
    existing = {opd.code: opd for opd in Opd.objects.all()}
    for row in sorted(rows, key=lambda r: r["kind"] == Opd.Kind.BAGIAN):  # parents before sub-units
        parent = existing.get(SECRETARIAT_CODE) if row["kind"] == Opd.Kind.BAGIAN else None
        values = {"name": row["name"], "kind": row["kind"], "parent": parent}
        _create_or_update(Opd, existing, row["code"], values, result)
    return result


def _sync_regions(rows):
    """Kecamatan first, then desa/kelurahan under them; names and levels follow the file."""
    result = SyncResult(Region._meta.model_name, str(Region._meta.verbose_name_plural))
    result.per_level = dict(Counter(row.level for row in rows))
    existing = {region.code: region for region in Region.objects.all()}
    for row in sorted(rows, key=lambda r: r.level != Region.Level.KECAMATAN):
        values = {"name": row.name, "level": row.level, "parent": existing.get(row.parent_code)}
        _create_or_update(Region, existing, row.code, values, result)
    return result


def _parse_coded_file(model, source, filename=None):
    patterns, parent_strip = CODED_KINDS[model]
    return importers.parse_coded_rows(
        source, patterns=patterns, parent_strip=parent_strip, with_pemda=model is Nomenclature, filename=filename
    )


def load_reference_data(*, actor=None, data_dir=DATA_DIR):
    """Load the shipped reference data; idempotent. Returns one SyncResult per kind.

    Every file is validated before the first row is written, and all of it is one transaction.
    """
    parsed = {
        model: _parse_coded_file(model, data_dir / filename)
        for model, filename in (
            (Nomenclature, "nomenklatur_program.csv"),
            (Account, "rekening.csv"),
            (FundingSource, "sumber_dana.csv"),
        )
    }
    opd_rows = importers.parse_opd_rows(data_dir / "opd_bondowoso.csv", kinds=set(Opd.Kind.values))
    region_rows = importers.parse_coded_rows(
        data_dir / "wilayah_bondowoso.csv",
        patterns=importers.REGION_PATTERNS,
        parent_strip=importers.REGION_PARENT_STRIP,
        parent_levels=importers.REGION_PARENT_LEVELS,
    )
    with transaction.atomic():
        version, version_created = ReferenceVersion.objects.get_or_create(
            name=SHIPPED_VERSION["name"], defaults=SHIPPED_VERSION
        )
        results = [_sync_coded_rows(model, version, rows) for model, rows in parsed.items()]
        results.append(_sync_opds(opd_rows))
        results.append(_sync_regions(region_rows))
        years_created = [
            year
            for year in SHIPPED_YEARS
            if FiscalYear.objects.get_or_create(year=year, defaults={"reference_version": version})[1]
        ]
        current_marked = None
        if not FiscalYear.objects.filter(is_current=True).exists():
            # A fresh installation opens on this calendar year's budget (or the newest shipped year before it).
            current_marked = FiscalYear.objects.filter(year__lte=timezone.localdate().year).order_by("-year").first()
            _mark_current(current_marked)
        if version_created or years_created or current_marked or any(result.changed for result in results):
            audit.record(
                actor=actor,
                action="reference.load",
                obj=version,
                after={
                    "version_created": version_created,
                    "fiscal_years_created": years_created,
                    "current_fiscal_year": current_marked.year if current_marked else None,
                    **{result.kind: result.as_dict() for result in results},
                },
            )
    return results


def import_nomenclature(
    *,
    actor=None,
    source,
    filename=None,
    version_name,
    year,
    regulation_number="",
    regulation_name="",
    regulation_date=None,
    replace_year=False,
):
    """Load a newer nomenclature list as a new reference version for one fiscal year.

    The chart of accounts and funding sources carry over from the version the year (or the
    latest earlier year) used. Earlier years keep their version untouched.
    """
    rows = _parse_coded_file(Nomenclature, source, filename)
    if ReferenceVersion.objects.filter(name=version_name).exists():
        raise importers.InvalidFile([importers.RowError(0, f"versi '{version_name}' sudah ada; pakai nama baru")])
    fiscal_year = FiscalYear.objects.filter(year=year).first()
    if fiscal_year and not replace_year:
        raise importers.InvalidFile(
            [
                importers.RowError(
                    0,
                    f"tahun {year} sudah memakai versi '{fiscal_year.reference_version.name}'; "
                    "pakai --replace-year bila memang diganti",
                )
            ]
        )
    base_year = fiscal_year or FiscalYear.objects.filter(year__lt=year).order_by("-year").first()
    if base_year is None:
        raise importers.InvalidFile(
            [
                importers.RowError(
                    0,
                    "belum ada tahun anggaran sebelumnya untuk sumber kode rekening dan sumber dana; "
                    "jalankan load_reference_data dahulu",
                )
            ]
        )
    with transaction.atomic():
        version = ReferenceVersion.objects.create(
            name=version_name,
            regulation_name=regulation_name or f"Kepmendagri {regulation_number or version_name}",
            regulation_number=regulation_number or version_name,
            regulation_date=regulation_date,
        )
        result = _sync_coded_rows(Nomenclature, version, rows)
        for model in (Account, FundingSource):
            _copy_version(model, base_year.reference_version, version)
        before = {"reference_version": fiscal_year.reference_version.name} if fiscal_year else None
        fiscal_year, _ = FiscalYear.objects.update_or_create(year=year, defaults={"reference_version": version})
        audit.record(
            actor=actor,
            action="reference.import_nomenclature",
            obj=fiscal_year,
            before=before,
            after={
                "reference_version": version.name,
                "nomenclature": result.as_dict(),
                "accounts_and_sources_from": base_year.reference_version.name,
            },
        )
    return result


def _copy_version(model, source_version, target_version):
    """Copy one coded hierarchy from one version to another, keeping parent links."""
    nodes = list(model.objects.filter(version=source_version).order_by("code"))
    code_of = {node.pk: node.code for node in nodes}
    for level in CODED_KINDS[model][0]:
        level_nodes = [node for node in nodes if node.level == level]
        new_ids = dict(model.objects.filter(version=target_version).values_list("code", "pk"))
        model.objects.bulk_create(
            [
                model(
                    version=target_version,
                    code=node.code,
                    name=node.name,
                    level=node.level,
                    is_active=node.is_active,
                    parent_id=new_ids.get(code_of.get(node.parent_id)),
                )
                for node in level_nodes
            ],
            batch_size=1000,
        )


def _mark_current(fiscal_year):
    FiscalYear.objects.filter(is_current=True).exclude(pk=fiscal_year.pk).update(is_current=False)
    FiscalYear.objects.filter(pk=fiscal_year.pk).update(is_current=True, is_active=True)


@transaction.atomic
def set_current_fiscal_year(*, actor, fiscal_year):
    """Make one year the one pages and the API open on; administrators only (and the demo, as system)."""
    if actor is not None and not actor.has_perm("masterdata.change_fiscalyear"):
        raise PermissionDenied("Hanya administrator yang dapat mengganti tahun anggaran berjalan.")
    previous = FiscalYear.objects.filter(is_current=True).first()
    if previous == fiscal_year:
        return fiscal_year
    _mark_current(fiscal_year)
    audit.record(
        actor=actor,
        action="fiscal_year.set_current",
        obj=fiscal_year,
        before={"current": previous.year if previous else None},
        after={"current": fiscal_year.year},
    )
    fiscal_year.refresh_from_db()
    return fiscal_year


USER_AUDIT_FIELDS = [
    "username",
    "first_name",
    "last_name",
    "email",
    "role",
    "opd",
    "is_active",
    "is_staff",
    "is_superuser",
]


def _staff_flag(role):
    """Admin site access follows the role: administrators and finance officers maintain reference data."""
    return role in (User.Role.ADMIN, User.Role.FINANCE)


@transaction.atomic
def create_user(*, actor, username, password, role, opd=None, first_name="", last_name="", email=""):
    user = User(
        username=username,
        role=role,
        opd=opd,
        first_name=first_name,
        last_name=last_name,
        email=email,
        is_staff=_staff_flag(role),
    )
    user.set_password(password)
    user.full_clean()
    user.save()
    audit.record(
        actor=actor, action="user.create", obj=user, opd=opd, after=audit.snapshot(user, fields=USER_AUDIT_FIELDS)
    )
    return user


@transaction.atomic
def save_user(*, actor, user, before=None):
    """Save a user edited elsewhere (admin form) and record what changed."""
    # Derived from the role every time, so a user moved out of the admin or finance role loses admin access.
    user.is_staff = _staff_flag(user.role) or user.is_superuser
    user.save()
    after = audit.snapshot(user, fields=USER_AUDIT_FIELDS)
    action = "user.update" if before else "user.create"
    if before != after:
        audit.record(actor=actor, action=action, obj=user, opd=user.opd, before=before, after=after)
    return user


@transaction.atomic
def save_reference_object(*, actor, instance, before=None):
    """Save a reference-data row edited in admin and record the change."""
    instance.save()
    # Compare stored values with stored values: a form's Decimal("31000") is stored as 31000.00.
    instance.refresh_from_db()
    after = audit.snapshot(instance)
    if before != after:
        audit.record(
            actor=actor,
            action="reference.update" if before else "reference.create",
            obj=instance,
            opd=instance if isinstance(instance, Opd) else None,
            before=before,
            after=after,
        )
    return instance


def hash_token_key(key):
    return hashlib.sha256(key.encode()).hexdigest()


def _new_token(*, user, kind, lifetime, name="", issued_by=None):
    """A stored token and, on it as `key`, the key itself: the only moment it is known."""
    key = secrets.token_hex(20)
    token = ApiToken.objects.create(
        key_hash=hash_token_key(key),
        prefix=key[:8],
        user=user,
        kind=kind,
        name=name,
        issued_by=issued_by,
        expires_at=timezone.now() + lifetime,
    )
    token.key = key
    return token


def _token_facts(token):
    return {
        "kind": token.kind,
        "name": token.name,
        "user": token.user.get_username(),
        "prefix": token.prefix,
        "expires_at": token.expires_at,
    }


@transaction.atomic
def issue_api_token(*, user):
    """A new personal token for a user who has just proved their password; audited (the key never is)."""
    token = _new_token(user=user, kind=ApiToken.Kind.PERSONAL, lifetime=settings.API_TOKEN_LIFETIME)
    audit.record(actor=user, action="api_token.issue", obj=token, opd=user.opd, after=_token_facts(token))
    return token


@transaction.atomic
def issue_integration_token(*, actor, user, name, days):
    """An OPD application's token, acting as `user`, for `days` days; issued by the administrator."""
    access.require(actor, "masterdata.add_apitoken")
    token = _new_token(
        user=user,
        kind=ApiToken.Kind.INTEGRATION,
        lifetime=datetime.timedelta(days=days),
        name=name,
        issued_by=actor,
    )
    audit.record(actor=actor, action="api_token.issue_integration", obj=token, opd=user.opd, after=_token_facts(token))
    return token


@transaction.atomic
def revoke_api_token(*, actor, token):
    """End a token now: its owner's own, or the administrator an integration token. Revoking twice is a no-op."""
    token = ApiToken.objects.select_for_update(of=("self",)).select_related("user__opd").get(pk=token.pk)
    access.require(actor, "masterdata.revoke_apitoken", token)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(
            actor=actor,
            action="api_token.revoke",
            obj=token,
            opd=token.user.opd,
            before={"revoked_at": None},
            after={**_token_facts(token), "revoked_at": token.revoked_at},
        )
    return token


def _permission(instance, verb):
    return f"{instance._meta.app_label}.{verb}_{instance._meta.model_name}"


@transaction.atomic
def save_reference_object_with_links(*, actor, instance, save_links, before=None):
    """Save a reference-data row together with its many-to-many links, under one audit event.

    `save_links` writes the links (an admin form's `save_m2m`); it runs once the row has an id, and
    the event is recorded after it, so `after` shows the links as saved.
    """
    if actor is not None:
        access.require(actor, _permission(instance, "add" if instance.pk is None else "change"), instance)
    if instance.pk is None:
        instance.save()
    save_links()
    return save_reference_object(actor=actor, instance=instance, before=before)


@transaction.atomic
def delete_reference_object(*, actor, instance):
    """Delete a reference-data row and record what it was. Rows still in use are protected by the database,
    and the refusal rolls the event back with it."""
    if actor is not None:
        access.require(actor, _permission(instance, "delete"), instance)
    # No `opd` link on this event: it would protect the very OPD being deleted.
    audit.record(actor=actor, action="reference.delete", obj=instance, before=audit.snapshot(instance))
    instance.delete()


@transaction.atomic
def set_user_password(*, actor, user, password):
    """Set a user's password, or with `password=None` disable password sign-in. The event never holds it."""
    if actor is not None:
        access.require(actor, "masterdata.change_user", user)
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    user.save(update_fields=["password"])
    audit.record(
        actor=actor,
        action="user.password",
        obj=user,
        opd=user.opd,
        after={"usable_password": user.has_usable_password()},
    )
    return user

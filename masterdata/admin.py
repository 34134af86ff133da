"""Django admin for reference data, OPDs, standard prices, users and (read-only) the audit trail.

Who may enter and what they may change is decided by masterdata.access (the `rules` permissions);
every save and delete goes through masterdata.services, so each lands in the audit trail.
"""

import copy

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from . import access, audit, services, standard_prices
from .models import (
    Account,
    ApiToken,
    AuditEvent,
    FiscalYear,
    FundingSource,
    Nomenclature,
    Opd,
    ReferenceVersion,
    StandardPriceItem,
    User,
)
from .money import rupiah

# Roles, not Django groups, carry permissions here.
admin.site.unregister(Group)


class PortalAdminMixin:
    def has_module_permission(self, request):
        return access.can_enter_admin(request.user) or super().has_module_permission(request)


class AuditedAdmin(PortalAdminMixin, admin.ModelAdmin):
    """Saves and deletes through the services, one audit event each with `before` and `after`."""

    def save_model(self, request, obj, form, change):
        # Only the stored state is read here. The row is written in save_related, after the form's
        # many-to-many links are known, so that one event covers the row and its links.
        obj._audit_before = audit.snapshot(self.model._default_manager.get(pk=obj.pk)) if change else None

    def save_related(self, request, form, formsets, change):
        save_links = super().save_related
        services.save_reference_object_with_links(
            actor=request.user,
            instance=form.instance,
            before=form.instance._audit_before,
            save_links=lambda: save_links(request, form, formsets, change),
        )

    def delete_model(self, request, obj):
        services.delete_reference_object(actor=request.user, instance=obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                services.delete_reference_object(actor=request.user, instance=obj)


@admin.register(ReferenceVersion)
class ReferenceVersionAdmin(AuditedAdmin):
    list_display = ("name", "regulation_number", "regulation_date", "created_at")
    search_fields = ("name", "regulation_name", "regulation_number")
    date_hierarchy = "regulation_date"


@admin.register(FiscalYear)
class FiscalYearAdmin(AuditedAdmin):
    list_display = ("year", "reference_version", "is_active", "is_current")
    list_filter = ("is_active", "is_current", "reference_version")
    list_select_related = ("reference_version",)
    search_fields = ("year",)
    readonly_fields = ("is_current",)  # moved only by the action below, so exactly one year is current
    actions = ["make_current"]

    @admin.action(description="Jadikan tahun anggaran berjalan")
    def make_current(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, "Pilih tepat satu tahun anggaran.", level=messages.ERROR)
            return
        fiscal_year = services.set_current_fiscal_year(actor=request.user, fiscal_year=queryset.get())
        self.message_user(request, f"Tahun anggaran berjalan sekarang {fiscal_year.year}.")


class CodedNodeAdmin(AuditedAdmin):
    list_display = ("code", "name", "level", "version", "is_active")
    list_filter = ("version", "level", "is_active")
    list_select_related = ("version",)
    search_fields = ("^code", "name")
    autocomplete_fields = ("parent",)
    list_per_page = 50


@admin.register(Nomenclature)
class NomenclatureAdmin(CodedNodeAdmin):
    list_display = ("code", "name", "level", "pemda", "version", "is_active")
    list_filter = ("version", "level", "pemda", "is_active")


@admin.register(Account)
class AccountAdmin(CodedNodeAdmin):
    def get_search_results(self, request, queryset, search_term):
        # The account picker of a standard-price item offers only what an item may be charged to.
        if request.GET.get("model_name") == StandardPriceItem._meta.model_name:
            queryset = queryset.filter(level=Account.Level.SUB_RINCIAN_OBJEK, code__startswith="5.", is_active=True)
        return super().get_search_results(request, queryset, search_term)


@admin.register(FundingSource)
class FundingSourceAdmin(CodedNodeAdmin):
    pass


@admin.register(Opd)
class OpdAdmin(AuditedAdmin):
    list_display = ("code", "name", "kind", "parent", "is_active")
    list_filter = ("kind", "is_active")
    list_select_related = ("parent",)
    search_fields = ("^code", "name")
    autocomplete_fields = ("parent",)


class StandardPriceItemForm(forms.ModelForm):
    class Meta:
        model = StandardPriceItem
        fields = [
            "fiscal_year",
            "kind",
            "code",
            "name",
            "specification",
            "unit",
            "price",
            "tkdn_percent",
            "accounts",
            "is_active",
        ]

    def clean_price(self):
        price = self.cleaned_data["price"]
        if price is not None and price <= 0:
            raise forms.ValidationError(_("Harga harus lebih dari 0."))
        return price

    def clean_tkdn_percent(self):
        tkdn = self.cleaned_data["tkdn_percent"]
        if tkdn is not None and not 0 <= tkdn <= 100:
            raise forms.ValidationError(_("TKDN harus antara 0 dan 100 persen."))
        return tkdn

    def clean(self):
        cleaned = super().clean()
        fiscal_year, accounts = cleaned.get("fiscal_year"), cleaned.get("accounts")
        if fiscal_year and accounts:
            version = fiscal_year.reference_version
            problems = [
                problem for account in accounts if (problem := standard_prices.account_problem(account, version))
            ]
            if problems:
                self.add_error("accounts", problems)
        return cleaned


@admin.register(StandardPriceItem)
class StandardPriceItemAdmin(AuditedAdmin):
    form = StandardPriceItemForm
    list_display = ("code", "name", "kind", "unit", "price_display", "tkdn_percent", "account_codes", "fiscal_year")
    list_filter = ("fiscal_year", "kind", "is_active")
    list_select_related = ("fiscal_year",)
    search_fields = ("^code", "name", "specification")
    autocomplete_fields = ("accounts",)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("accounts")

    @admin.display(description=_("harga"), ordering="price")
    def price_display(self, obj):
        return rupiah(obj.price)

    @admin.display(description=_("kode rekening"))
    def account_codes(self, obj):
        return ", ".join(account.code for account in obj.accounts.all())


class RoleOpdFormMixin:
    def clean(self):
        cleaned = super().clean()
        if cleaned.get("role") == User.Role.OPD_STAFF and not cleaned.get("opd"):
            self.add_error("opd", _("Staf OPD wajib terikat pada satu OPD."))
        return cleaned


class UserChangeForm(RoleOpdFormMixin, auth_forms.UserChangeForm):
    pass


class UserCreationForm(RoleOpdFormMixin, auth_forms.AdminUserCreationForm):
    pass


class PasswordChangeForm(auth_forms.AdminPasswordChangeForm):
    """Sets the password through the service, as `actor` (set per request by UserAdmin)."""

    actor = None

    def save(self, commit=True):
        password = self.cleaned_data["password1"] if self.cleaned_data["set_usable_password"] else None
        return services.set_user_password(actor=self.actor, user=self.user, password=password)


@admin.register(User)
class UserAdmin(PortalAdminMixin, DjangoUserAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    # Admin access (is_staff) follows the role; permissions come from the role, not from groups.
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Data pribadi"), {"fields": ("first_name", "last_name", "email")}),
        (_("Peran dan akses"), {"fields": ("role", "opd", "is_active")}),
        (_("Tanggal penting"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "usable_password", "password1", "password2")}),
        (_("Peran"), {"fields": ("role", "opd")}),
        (_("Data pribadi"), {"fields": ("first_name", "last_name", "email")}),
    )
    readonly_fields = ("last_login", "date_joined")
    list_display = ("username", "first_name", "last_name", "role", "opd", "is_active", "is_staff")
    list_filter = ("role", "is_active", ("opd", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("opd",)
    search_fields = ("username", "first_name", "last_name", "email")
    autocomplete_fields = ("opd",)
    filter_horizontal = ()

    def save_model(self, request, obj, form, change):
        before = None
        if change:
            before = audit.snapshot(User.objects.get(pk=obj.pk), fields=services.USER_AUDIT_FIELDS)
        services.save_user(actor=request.user, user=obj, before=before)

    def has_delete_permission(self, request, obj=None):
        # Users are deactivated, never deleted: the audit trail names them.
        return False

    def user_change_password(self, request, id, form_url=""):
        # The stock view saves the form itself; a copy of this admin for this one request hands the
        # form the acting user, so that the password is set, and audited, by the service.
        per_request = copy.copy(self)
        per_request.change_password_form = type("PasswordChangeForm", (PasswordChangeForm,), {"actor": request.user})
        return DjangoUserAdmin.user_change_password(per_request, request, id, form_url)


@admin.register(AuditEvent)
class AuditEventAdmin(PortalAdminMixin, admin.ModelAdmin):
    """The audit trail, to read only: nobody adds, changes or deletes an event, superusers included."""

    list_display = ("sequence", "occurred_at", "actor_username", "action", "object_type", "object_repr", "opd")
    list_filter = ("action", "object_type", ("opd", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("opd",)
    search_fields = ("^object_id", "object_repr", "actor_username", "action")
    date_hierarchy = "occurred_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class IntegrationTokenForm(forms.Form):
    user = forms.ModelChoiceField(
        User.objects.filter(is_active=True).order_by("username"),
        label=_("Bertindak sebagai pengguna"),
        help_text=_("Akun yang hak aksesnya dipakai aplikasi, biasanya akun khusus aplikasi di OPD-nya."),
    )
    name = forms.CharField(max_length=100, label=_("Nama aplikasi"), help_text=_("Mis. SIMPEG Dinas Kesehatan."))
    days = forms.IntegerField(
        min_value=1,
        max_value=730,
        initial=settings.API_INTEGRATION_TOKEN_DAYS,
        label=_("Berlaku (hari)"),
    )


@admin.register(ApiToken)
class ApiTokenAdmin(PortalAdminMixin, admin.ModelAdmin):
    """Tokens to read; integration tokens issued (the key shown once) and revoked through the services."""

    list_display = ("prefix", "name", "kind", "user", "created_at", "expires_at", "revoked_at")
    list_filter = ("kind", ("revoked_at", admin.EmptyFieldListFilter))
    list_select_related = ("user",)
    search_fields = ("prefix", "name", "user__username")
    actions = ["revoke"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # revoked, never deleted: the audit trail names them

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = IntegrationTokenForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            token = services.issue_integration_token(actor=request.user, **form.cleaned_data)
            self.message_user(
                request,
                _("Token %(name)s: %(key)s — salin sekarang; token ini tidak dapat ditampilkan lagi.")
                % {"name": token.name, "key": token.key},
                level=messages.WARNING,
            )
            return redirect("admin:masterdata_apitoken_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Terbitkan token integrasi aplikasi OPD"),
            "form": form,
        }
        return TemplateResponse(request, "admin/masterdata/apitoken/issue.html", context)

    @admin.action(description=_("Cabut token integrasi terpilih"))
    def revoke(self, request, queryset):
        refused = []
        for token in queryset:
            try:
                services.revoke_api_token(actor=request.user, token=token)
            except PermissionDenied:
                refused.append(token.prefix)
        if refused:
            self.message_user(
                request,
                _("Token pribadi hanya dicabut pemiliknya; tidak dicabut: %(tokens)s.")
                % {"tokens": ", ".join(refused)},
                level=messages.ERROR,
            )

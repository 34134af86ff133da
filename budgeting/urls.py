"""Budgeting pages for staff under /anggaran/: KUA-PPAS and ceilings, RKA, APBD versions, DPA and the diff."""

from django.urls import path, re_path

from .views import apbd as apbd_views
from .views import ceilings as ceiling_views
from .views import diff as diff_views
from .views import dpa as dpa_views
from .views import home as home_views
from .views import kua as kua_views
from .views import rka as rka_views

app_name = "budgeting"

SECTION = r"(?P<section>sk\d+|pendapatan|pembiayaan)"

urlpatterns = [
    path("", home_views.budgeting_home, name="home"),
    path("kua-ppas/", kua_views.kua_list, name="kua-list"),
    path("kua-ppas/buat/", kua_views.kua_create, name="kua-create"),
    path("kua-ppas/<int:pk>/", kua_views.kua_detail, name="kua-detail"),
    path("kua-ppas/<int:pk>/akun/", kua_views.kua_account_search, name="kua-account-search"),
    path("kua-ppas/<int:pk>/rekening/", kua_views.kua_line_add, name="kua-line-add"),
    path("kua-ppas/<int:pk>/rekening/<int:line_pk>/", kua_views.kua_line_edit, name="kua-line-edit"),
    path("kua-ppas/<int:pk>/tindakan/", kua_views.kua_transition, name="kua-transition"),
    path("kua-ppas/<int:pk>/plafon/", ceiling_views.ceiling_table, name="ceiling-table"),
    path("kua-ppas/<int:pk>/plafon/tambah/", ceiling_views.ceiling_add, name="ceiling-add"),
    path("kua-ppas/<int:pk>/plafon/<int:ceiling_pk>/", ceiling_views.ceiling_edit, name="ceiling-edit"),
    path("kua-ppas/<int:pk>/plafon/<int:ceiling_pk>/hapus/", ceiling_views.ceiling_delete, name="ceiling-delete"),
    path("kua-ppas/<int:pk>/plafon/opd/<int:opd_pk>/", ceiling_views.ceiling_opd, name="ceiling-opd"),
    path("kua-ppas/<int:pk>/plafon/opd/<int:opd_pk>/tambah/", ceiling_views.ceiling_opd_add, name="ceiling-opd-add"),
    path("rka/", rka_views.rka_list, name="rka-list"),
    path("rka/verifikasi/", rka_views.rka_inbox, name="rka-inbox"),
    path("rka/<int:pk>/", rka_views.rka_detail, name="rka-detail"),
    path("rka/<int:pk>/sub-kegiatan/", rka_views.rka_sub_kegiatan_add, name="rka-sub-kegiatan-add"),
    path("rka/<int:pk>/tindakan/", rka_views.rka_transition, name="rka-transition"),
    path("rka/<int:pk>/catatan/", rka_views.rka_comment, name="rka-comment"),
    re_path(rf"^rka/(?P<pk>\d+)/{SECTION}/$", rka_views.rka_section, name="rka-section"),
    re_path(rf"^rka/(?P<pk>\d+)/{SECTION}/baris/$", rka_views.line_add, name="line-add"),
    re_path(rf"^rka/(?P<pk>\d+)/{SECTION}/akun/$", rka_views.account_search, name="account-search"),
    re_path(rf"^rka/(?P<pk>\d+)/{SECTION}/standar-harga/$", rka_views.item_search, name="item-search"),
    re_path(rf"^rka/(?P<pk>\d+)/{SECTION}/hitung/$", rka_views.amount_preview, name="amount-preview"),
    path("rka/<int:pk>/baris/<int:line_pk>/", rka_views.line_row, name="line-row"),
    path("rka/<int:pk>/baris/<int:line_pk>/ubah/", rka_views.line_edit, name="line-edit"),
    path("rka/<int:pk>/baris/<int:line_pk>/hapus/", rka_views.line_delete, name="line-delete"),
    path("apbd/", apbd_views.apbd_list, name="apbd-list"),
    path("apbd/buat/", apbd_views.apbd_create, name="apbd-create"),
    path("apbd/perbandingan/", diff_views.version_diff, name="version-diff"),
    path("apbd/<int:pk>/", apbd_views.apbd_detail, name="apbd-detail"),
    path("apbd/<int:pk>/tindakan/", apbd_views.apbd_transition, name="apbd-transition"),
    path("apbd/<int:pk>/terbitkan/", apbd_views.apbd_publish, name="apbd-publish"),
    path("apbd/<int:pk>/dpa/", dpa_views.dpa_list, name="dpa-list"),
    path("apbd/<int:pk>/dpa/siapkan/", dpa_views.dpa_prepare, name="dpa-prepare"),
    path("dpa/<int:pk>/", dpa_views.dpa_detail, name="dpa-detail"),
    path("dpa/<int:pk>/terbitkan/", dpa_views.dpa_issue, name="dpa-issue"),
    re_path(r"^dpa/(?P<pk>\d+)/kas/(?P<key>g[0-9_]+(?:s\d+)?)/$", dpa_views.cash_plan_edit, name="cash-plan-edit"),
    re_path(
        r"^dpa/(?P<pk>\d+)/kas/(?P<key>g[0-9_]+(?:s\d+)?)/hitung/$",
        dpa_views.cash_plan_preview,
        name="cash-plan-preview",
    ),
]

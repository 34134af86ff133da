"""Budgeting pages for staff under /anggaran/: KUA-PPAS and ceilings, RKA, APBD versions, DPA and the diff."""

from django.urls import path, re_path

from . import views

app_name = "budgeting"

SECTION = r"(?P<section>sk\d+|pendapatan|pembiayaan)"

urlpatterns = [
    path("", views.budgeting_home, name="home"),
    path("kua-ppas/", views.kua_list, name="kua-list"),
    path("kua-ppas/buat/", views.kua_create, name="kua-create"),
    path("kua-ppas/<int:pk>/", views.kua_detail, name="kua-detail"),
    path("kua-ppas/<int:pk>/akun/", views.kua_account_search, name="kua-account-search"),
    path("kua-ppas/<int:pk>/rekening/", views.kua_line_add, name="kua-line-add"),
    path("kua-ppas/<int:pk>/rekening/<int:line_pk>/", views.kua_line_edit, name="kua-line-edit"),
    path("kua-ppas/<int:pk>/tindakan/", views.kua_transition, name="kua-transition"),
    path("kua-ppas/<int:pk>/plafon/", views.ceiling_table, name="ceiling-table"),
    path("kua-ppas/<int:pk>/plafon/tambah/", views.ceiling_add, name="ceiling-add"),
    path("kua-ppas/<int:pk>/plafon/<int:ceiling_pk>/", views.ceiling_edit, name="ceiling-edit"),
    path("kua-ppas/<int:pk>/plafon/<int:ceiling_pk>/hapus/", views.ceiling_delete, name="ceiling-delete"),
    path("kua-ppas/<int:pk>/plafon/opd/<int:opd_pk>/", views.ceiling_opd, name="ceiling-opd"),
    path("kua-ppas/<int:pk>/plafon/opd/<int:opd_pk>/tambah/", views.ceiling_opd_add, name="ceiling-opd-add"),
    path("rka/", views.rka_list, name="rka-list"),
    path("rka/verifikasi/", views.rka_inbox, name="rka-inbox"),
    path("rka/<int:pk>/", views.rka_detail, name="rka-detail"),
    path("rka/<int:pk>/sub-kegiatan/", views.rka_sub_kegiatan_add, name="rka-sub-kegiatan-add"),
    path("rka/<int:pk>/tindakan/", views.rka_transition, name="rka-transition"),
    path("rka/<int:pk>/catatan/", views.rka_comment, name="rka-comment"),
    re_path(rf"^rka/(?P<pk>\d+)/{SECTION}/$", views.rka_section, name="rka-section"),
    re_path(rf"^rka/(?P<pk>\d+)/{SECTION}/baris/$", views.line_add, name="line-add"),
    re_path(rf"^rka/(?P<pk>\d+)/{SECTION}/akun/$", views.account_search, name="account-search"),
    re_path(rf"^rka/(?P<pk>\d+)/{SECTION}/standar-harga/$", views.item_search, name="item-search"),
    re_path(rf"^rka/(?P<pk>\d+)/{SECTION}/hitung/$", views.amount_preview, name="amount-preview"),
    path("rka/<int:pk>/baris/<int:line_pk>/", views.line_row, name="line-row"),
    path("rka/<int:pk>/baris/<int:line_pk>/ubah/", views.line_edit, name="line-edit"),
    path("rka/<int:pk>/baris/<int:line_pk>/hapus/", views.line_delete, name="line-delete"),
    path("apbd/", views.apbd_list, name="apbd-list"),
    path("apbd/buat/", views.apbd_create, name="apbd-create"),
    path("apbd/perbandingan/", views.version_diff, name="version-diff"),
    path("apbd/<int:pk>/", views.apbd_detail, name="apbd-detail"),
    path("apbd/<int:pk>/tindakan/", views.apbd_transition, name="apbd-transition"),
    path("apbd/<int:pk>/terbitkan/", views.apbd_publish, name="apbd-publish"),
    path("apbd/<int:pk>/dpa/", views.dpa_list, name="dpa-list"),
    path("apbd/<int:pk>/dpa/siapkan/", views.dpa_prepare, name="dpa-prepare"),
    path("dpa/<int:pk>/", views.dpa_detail, name="dpa-detail"),
    path("dpa/<int:pk>/terbitkan/", views.dpa_issue, name="dpa-issue"),
    re_path(r"^dpa/(?P<pk>\d+)/kas/(?P<key>g[0-9_]+(?:s\d+)?)/$", views.cash_plan_edit, name="cash-plan-edit"),
    re_path(
        r"^dpa/(?P<pk>\d+)/kas/(?P<key>g[0-9_]+(?:s\d+)?)/hitung/$", views.cash_plan_preview, name="cash-plan-preview"
    ),
]

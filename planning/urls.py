"""Planning pages for staff under /perencanaan/ (the citizens' proposal pages: planning/public_urls.py)."""

from django.urls import path

from . import views

app_name = "planning"

urlpatterns = [
    path("perencanaan/", views.planning_home, name="home"),
    path("perencanaan/renja/", views.renja_list, name="renja-list"),
    path("perencanaan/renja/buat/", views.renja_create, name="renja-create"),
    path("perencanaan/renja/<int:pk>/", views.renja_detail, name="renja-detail"),
    path("perencanaan/renja/<int:pk>/sub-kegiatan/", views.sub_kegiatan_search, name="sub-kegiatan-search"),
    path("perencanaan/renja/<int:pk>/baris/", views.line_add, name="line-add"),
    path("perencanaan/renja/<int:pk>/baris/<int:line_pk>/", views.line_row, name="line-row"),
    path("perencanaan/renja/<int:pk>/baris/<int:line_pk>/ubah/", views.line_edit, name="line-edit"),
    path("perencanaan/renja/<int:pk>/baris/<int:line_pk>/hapus/", views.line_delete, name="line-delete"),
    path("perencanaan/renja/<int:pk>/catatan/", views.renja_comment, name="renja-comment"),
    path("perencanaan/renja/<int:pk>/tindakan/", views.renja_transition, name="renja-transition"),
    path("perencanaan/verifikasi/", views.verification_inbox, name="inbox"),
    path("perencanaan/rkpd/", views.rkpd_detail, name="rkpd"),
    path("perencanaan/rkpd/tindakan/", views.rkpd_action, name="rkpd-action"),
    path("perencanaan/usulan/", views.proposal_board, name="proposal-board"),
    path("perencanaan/usulan/baru/", views.proposal_create, name="proposal-create"),
    path("perencanaan/usulan/<int:pk>/", views.proposal_detail, name="proposal-detail"),
    path("perencanaan/usulan/<int:pk>/keputusan/", views.proposal_decide, name="proposal-decide"),
]

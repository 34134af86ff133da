"""The citizens' proposal pages under /usulan/, in Indonesian and under /en/usulan/ in English."""

from django.urls import path, re_path

from . import views

app_name = "usulan"

urlpatterns = [
    path("usulan/", views.public_proposal_home, name="home"),
    path("usulan/baru/", views.public_proposal_create, name="create"),
    path("usulan/terkirim/", views.public_proposal_sent, name="sent"),
    path("usulan/wilayah/", views.village_options, name="village-options"),
    re_path(r"^usulan/(?P<code>[A-Za-z0-9-]{4,20})/$", views.public_proposal_track, name="track"),
]

"""The public APBD pages, in Indonesian and under /en/ in English (the staff's feedback pages: feedback_urls.py)."""

from django.urls import path

from . import views

app_name = "transparency"

urlpatterns = [
    path("apbd/<int:year>/", views.apbd, name="apbd"),
    path("apbd/<int:year>/versi/", views.versions, name="versions"),
    path("apbd/<int:year>/cari/", views.search, name="search"),
    path("apbd/<int:year>/dokumen/", views.documents, name="documents"),
    path("apbd/perbandingan/", views.compare, name="compare"),
    path("apbd/<int:year>/opd/<str:code>/", views.opd_detail, name="opd"),
    path("apbd/<int:year>/opd/<str:code>/sub-kegiatan/<str:sub_code>/", views.sub_kegiatan_detail, name="sub-kegiatan"),
    path("apbd/<int:year>/opd/<str:code>/masukan/", views.feedback_submit, name="feedback-submit"),
    path("apbd/<int:year>/urusan/", views.drilldown, {"slug": "urusan"}, name="urusan"),
    path("apbd/<int:year>/urusan/<str:code>/", views.drilldown, {"slug": "urusan"}, name="urusan-node"),
    path("apbd/<int:year>/rekening/", views.drilldown, {"slug": "rekening"}, name="rekening"),
    path("apbd/<int:year>/rekening/<str:code>/", views.drilldown, {"slug": "rekening"}, name="rekening-node"),
    path("apbd/<int:year>/sumber-dana/", views.drilldown, {"slug": "sumber-dana"}, name="sumber-dana"),
    path("apbd/<int:year>/sumber-dana/<str:code>/", views.drilldown, {"slug": "sumber-dana"}, name="sumber-dana-node"),
    path("istilah/", views.glossary, name="glossary"),
]

from django.contrib import admin
from django.urls import include, path

from bondowoso import health
from budgeting.views import home as home_views
from transparency import views as public_views

admin.site.site_header = "Administrasi SIPANDU Bondowoso"
admin.site.site_title = "SIPANDU Bondowoso"
admin.site.index_title = "Data referensi, OPD, standar harga dan pengguna"

handler400 = "masterdata.views.bad_request"

urlpatterns = [
    path("", public_views.home, name="public-home"),  # the citizens' APBD
    path("", include("masterdata.urls")),
    path("beranda/", home_views.role_home, name="home"),  # each role's tasks, across planning and budgeting
    path("audit/", include("masterdata.audit_urls")),
    path("", include("planning.urls")),  # /perencanaan/… for staff, /usulan/… for citizens
    path("anggaran/", include("budgeting.urls")),
    path("", include("reporting.urls")),
    path("api/", include("bondowoso.api_urls")),
    path("open-data/", include("transparency.opendata_urls")),
    path("", include("transparency.urls")),
    path("healthz/", health.healthz, name="healthz"),
    path("readyz/", health.readyz, name="readyz"),
    path("admin/", admin.site.urls),
]

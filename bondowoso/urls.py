from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from bondowoso import health
from budgeting.views import home as home_views
from transparency import opendata
from transparency import views as public_views

admin.site.site_header = "Administrasi SIPANDU Bondowoso"
admin.site.site_title = "SIPANDU Bondowoso"
admin.site.index_title = "Data referensi, OPD, standar harga dan pengguna"

handler400 = "masterdata.views.bad_request"

urlpatterns = [
    path("", include("masterdata.urls")),
    path("beranda/", home_views.role_home, name="home"),  # each role's tasks, across planning and budgeting
    path("audit/", include("masterdata.audit_urls")),
    path("", include("planning.urls")),  # /perencanaan/… for staff
    path("anggaran/", include("budgeting.urls")),
    path("", include("reporting.urls")),
    path("api/", include("bondowoso.api_urls")),
    path("open-data/", include("transparency.opendata_urls")),
    path("", include("transparency.feedback_urls")),  # /masukan-warga/… for staff
    path("healthz/", health.healthz, name="healthz"),
    path("readyz/", health.readyz, name="readyz"),
    path("admin/", admin.site.urls),
]

# The public pages: Indonesian at their own addresses, English under /en/ (a staff page there is a 404).
urlpatterns += i18n_patterns(
    path("", public_views.home, name="public-home"),  # the citizens' APBD
    path("", include("planning.public_urls")),  # /usulan/… for citizens
    path("", include("transparency.urls")),
    path("open-data/", opendata.index, name="open-data"),
    prefix_default_language=False,
)

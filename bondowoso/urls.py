from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

admin.site.site_header = "Administrasi SIPANDU Bondowoso"
admin.site.site_title = "SIPANDU Bondowoso"
admin.site.index_title = "Data referensi, OPD, standar harga dan pengguna"

handler400 = "masterdata.views.bad_request"

urlpatterns = [
    path("", include("masterdata.urls")),
    path("bahasa/", set_language, name="set_language"),
    path("audit/", include("masterdata.audit_urls")),
    path("", include("planning.urls")),  # /perencanaan/… for staff, /usulan/… for citizens
    path("anggaran/", include("budgeting.urls")),
    path("api/", include("bondowoso.api_urls")),
    path("admin/", admin.site.urls),
]

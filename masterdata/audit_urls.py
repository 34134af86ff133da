from django.urls import path

from . import audit_views

urlpatterns = [
    path("", audit_views.audit_event_list, name="audit-list"),
    path("<int:sequence>/", audit_views.audit_event_detail, name="audit-detail"),
]

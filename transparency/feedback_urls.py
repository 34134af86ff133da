"""The staff's pages of citizen feedback (Indonesian only, outside the public pages' /en/ version)."""

from django.urls import path

from . import views

app_name = "feedback"

urlpatterns = [
    path("masukan-warga/", views.feedback_list, name="list"),
    path("masukan-warga/<int:pk>/moderasi/", views.feedback_moderate, name="moderate"),
    path("masukan-warga/<int:pk>/jawab/", views.feedback_answer, name="answer"),
]

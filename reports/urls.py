from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("export/<slug:table>.csv", views.export, name="export"),
    path("gaps/<slug:category>/", views.gaps, name="gaps"),
    path("met/", views.met_everyone, name="met_everyone"),
    path("managers/<int:pk>/", views.manager, name="manager"),
    path("managers/<int:pk>/export/<slug:table>.csv", views.manager_export, name="manager_export"),
]

from django.urls import path

from . import views

app_name = "cases"
urlpatterns = [
    path("report/", views.report, name="report"),
    path("report/thanks/", views.reported, name="reported"),
    path("follow/", views.follow, name="follow"),
    path("record/", views.record, name="record"),
    path("mine/", views.mine, name="mine"),
    path("inbox/", views.inbox, name="inbox"),
    path("rates/", views.rates_page, name="rates"),
    path("ledger/", views.ledger, name="ledger"),
    path("report/grids.json", views.report_map, name="report-map"),
    path("<str:number>/", views.detail, name="detail"),
    path("<str:number>/photos/<str:token>/<str:size>/", views.photo, name="photo"),
    path("<str:number>/contact/", views.reveal_contact, name="reveal-contact"),
    path("<str:number>/<str:name>/", views.move, name="move"),
]

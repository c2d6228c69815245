from django.http import HttpResponse
from django.urls import path

app_name = "sample"
urlpatterns = [path("", lambda request: HttpResponse("sample page"), name="index")]

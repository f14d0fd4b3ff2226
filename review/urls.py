from django.urls import path

from review import views

app_name = "review"
urlpatterns = [
    path("county/", views.county_home, name="county_home"),
    path("city/", views.city_home, name="city_home"),
    path("province/", views.province_home, name="province_home"),
]

from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    name = "applications"
    verbose_name = "企业申报"

    def ready(self):
        from applications.selectors import in_flight_by_reviewing_city
        from portal.directory.routing import register_in_flight_counter

        register_in_flight_counter(in_flight_by_reviewing_city)

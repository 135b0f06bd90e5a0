app_name = "reporting_api"
urlpatterns: list = []

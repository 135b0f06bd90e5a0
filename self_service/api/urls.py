app_name = "self_service_api"
urlpatterns: list = []

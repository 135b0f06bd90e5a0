app_name = "self_service"
urlpatterns: list = []

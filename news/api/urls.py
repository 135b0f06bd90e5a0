app_name = "news_api"
urlpatterns: list = []

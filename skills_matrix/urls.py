app_name = "skills_matrix"
urlpatterns: list = []

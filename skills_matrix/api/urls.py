app_name = "skills_matrix_api"
urlpatterns: list = []

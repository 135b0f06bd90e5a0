app_name = "ldap_sync_api"
urlpatterns: list = []

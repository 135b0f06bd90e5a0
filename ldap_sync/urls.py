app_name = "ldap_sync"
urlpatterns: list = []

app_name = "families"

urlpatterns = []

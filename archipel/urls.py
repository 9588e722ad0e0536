from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from archipel import views
from core.ratelimit import limit_login_attempts

admin.site.site_header = _("Archipel — administration")
admin.site.site_title = _("Archipel")
admin.site.index_title = _("Catalogue et participation")
# Before admin.site.urls below, which routes login/ to admin.site.login.
admin.site.login = limit_login_attempts(admin.site.login)

urlpatterns = [
    path("", views.home, name="home"),
    path("sante/", views.health, name="health"),
    path("vie/", views.liveness, name="liveness"),
    path("mentions-legales/", views.legal, name="legal"),
    path("donnees/", include("opendata.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("cooperation.urls")),
    path("", include("evaluation.urls")),
    path("reseaux/", include("networks.urls")),
    path("preconisations/", include("proposals.urls")),
    path("nouvelles/", include("newsletter.urls")),
    path("comptes/", include("allauth.urls")),
    path("profil/", include("archipel.account_urls")),
    path("admin/", admin.site.urls),
    path("api/", include("api.urls")),
]

handler404 = "archipel.views.page_not_found"
handler500 = "archipel.views.server_error"

if settings.DEBUG:
    urlpatterns += [path("404/", views.page_not_found, {"exception": None}), path("500/", views.server_error)]

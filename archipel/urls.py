from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from archipel import mfa, views

admin.site.site_header = _("Archipel — administration")
admin.site.site_title = _("Archipel")
admin.site.index_title = _("Catalogue et participation")
# Before admin.site.urls below, which routes login/ and logout/ to these: the admin is
# entered and left through the site's pages (its rate limits, lock-out and two-factor step).
admin.site.login = mfa.admin_login
admin.site.logout = mfa.admin_logout

# Probes and the admin have one address; every page has one per language: French at
# /…, English at /en/… (archipel.middleware.LanguageFromPathMiddleware).
urlpatterns = [
    path("sante/", views.health, name="health"),
    path("vie/", views.liveness, name="liveness"),
    path("admin/", admin.site.urls),
]
urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    path("mentions-legales/", views.legal, name="legal"),
    path("donnees/", include("opendata.urls")),
    path("", include("cooperation.urls")),
    path("", include("evaluation.urls")),
    path("reseaux/", include("networks.urls")),
    path("preconisations/", include("proposals.urls")),
    path("nouvelles/", include("newsletter.urls")),
    path("corrections/", include("corrections.urls")),
    path("rencontres/", include("meetings.urls")),
    path("comptes/", include("allauth.urls")),
    path("profil/", include("archipel.account_urls")),
    path("api/", include("api.urls")),
    prefix_default_language=False,
)

handler404 = "archipel.views.page_not_found"
handler500 = "archipel.views.server_error"

if settings.DEBUG:
    urlpatterns += [path("404/", views.page_not_found, {"exception": None}), path("500/", views.server_error)]

"""A network's public history: the changes to it, its objectives, key dates and
memberships, with the role of who made them, never a name."""

from django.conf import settings
from django.shortcuts import get_object_or_404, render

from core.history import history_page
from networks.models import Network


def network_history(request, slug):
    network = get_object_or_404(Network, slug=slug)
    page = history_page(network, request.GET.get("page"), settings.PAGE_SIZE)
    return render(request, "networks/history.html", {"network": network, "page": page})

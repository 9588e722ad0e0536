"""Every page stays under 150 KB transferred before images.

`make serve` sends static files compressed by whitenoise (gzip or brotli, prepared at
collectstatic) and pages through gunicorn; here each response the browser asked for is
weighed as gzip would send it, which is what whitenoise serves at the least.
"""

import gzip

import pytest

from proposals.models import Proposal

BUDGET = 150 * 1024
PAGES = [
    "/",
    "/partenariats/",
    "/partenariats/toulouse-bologne/",
    "/collectivites/toulouse/",
    "/reseaux/",
    "/reseaux/aeropostale/",
    "/preconisations/",
    "/comptes/signup/",
]


def _weigh(page, url) -> tuple[int, list[str]]:
    responses = []
    page.on("response", lambda response: responses.append(response))
    page.goto(url, wait_until="networkidle")
    total, rows = 0, []
    for response in responses:
        if response.request.resource_type == "image" or response.status >= 300:
            continue
        size = len(gzip.compress(response.body(), compresslevel=6))
        total += size
        rows.append(f"{size:>8} {response.url}")
    return total, rows


@pytest.mark.parametrize("path", PAGES)
def test_a_page_weighs_less_than_150_kb_before_images(site, page, path):
    total, rows = _weigh(page, site.url + path)
    assert total < BUDGET, f"{path}: {total} bytes\n" + "\n".join(rows)


def test_a_proposal_page_weighs_less_than_150_kb(site, page):
    proposal = Proposal.objects.filter(is_official=True).order_by("pk").first()
    total, rows = _weigh(page, site.url + proposal.get_absolute_url())
    assert total < BUDGET, "\n".join(rows)

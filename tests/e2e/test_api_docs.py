"""/api/docs/: Swagger UI, served from our own static files, runs under the site's strict
Content-Security-Policy with no console error and no request to another host."""

import re
from urllib.parse import urlsplit

from playwright.sync_api import expect


def watch(page, site):
    """Console errors, CSP violations and requests to any other host, gathered while the page runs."""
    problems = []
    own_host = urlsplit(site.url).netloc
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on(
        "request",
        lambda request: (
            request.url.startswith(("http:", "https:"))
            and urlsplit(request.url).netloc != own_host
            and problems.append(f"third-party request: {request.url}")
        ),
    )
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => "
        "console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));"
    )
    return problems


def test_the_api_docs_render_and_try_an_endpoint(site, page):
    problems = watch(page, site)
    page.goto(site.url + "/api/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("API d’Archipel")
    operation = page.locator("#operations-partenariats-partenariats_list")
    expect(operation).to_be_visible()
    schema = page.request.get(site.url + "/api/schema/?format=json").json()
    expect(page.locator(".opblock")).to_have_count(sum(len(path) for path in schema["paths"].values()))

    operation.locator(".opblock-summary").click()
    operation.get_by_role("button", name="Try it out").click()
    operation.locator("tr[data-param-name='type'] select").select_option("jumelage")
    operation.get_by_role("button", name="Execute").click()
    status = operation.locator(".live-responses-table tbody .response-col_status").first
    expect(status).to_have_text(re.compile(r"^\s*200"))
    expect(operation.locator(".live-responses-table .highlight-code")).to_contain_text("toulouse-bologne")
    page.wait_for_load_state("networkidle")
    assert problems == []

"""Helpers for the accessibility browser tests: axe-core from the npm registry, and logging in."""

from pathlib import Path

AXE = Path(__file__).parent / "vendor" / "axe.min.js"  # axe-core 4 (MPL 2.0), see vendor/axe-core.LICENSE
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PASSWORD = "mot-de-passe-de-test"  # tests.factories.UserFactory's


def axe_violations(page):
    """Run axe-core on the page as it stands: the WCAG 2.1 A and AA rules, violations only."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # The site's CSP (script-src 'self') would refuse the injected script: the
        # contexts of these tests are opened with bypass_csp=True.
        page.add_script_tag(path=str(AXE))
    results = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        WCAG_21_AA,
    )
    return results["violations"]


def describe(violations):
    lines = []
    for violation in violations:
        lines.append(
            f"{violation['id']} ({violation['impact']}): {violation['help']} — {violation['helpUrl']}"
        )
        for node in violation["nodes"]:
            lines.append(f"    {' '.join(node['target'])}: {node['failureSummary'].splitlines()[-1].strip()}")
            lines.append(f"      {node['html'][:200]}")
    return "\n".join(lines)


def assert_no_violations(page, label=""):
    violations = axe_violations(page)
    assert not violations, f"{label or page.url}: {len(violations)} WCAG 2.1 AA violation(s)\n" + describe(
        violations
    )


def log_in(page, base_url, user):
    """Sign in through the log-in page, as a visitor would."""
    page.goto(base_url + "/comptes/login/")
    page.locator("input[name=login]").fill(user.email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("input[name=password]").press("Enter")
    page.wait_for_url(lambda url: "/comptes/login/" not in url)

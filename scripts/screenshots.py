"""Screenshots of the main pages at phone and desktop widths, for review (not committed).

    make screenshots      → screenshots/<page>-<width>.png

Starts the development server on a free port against the site's database, drives
Debian's Chromium with Playwright, then stops the server.
"""

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
OUT = BASE_DIR / "screenshots"
PAGES = {
    "accueil": "/",
    "partenariats": "/partenariats/",
    "partenariat": "/partenariats/toulouse-bologne/",
    "collectivite": "/collectivites/toulouse/",
    "reseaux": "/reseaux/",
    "reseau": "/reseaux/aeropostale/",
    "preconisations": "/preconisations/",
    "inscription": "/comptes/signup/",
    "english-partners": "/en/partenariats/?type=jumelage",
    "historique": "/partenariats/toulouse-bologne/historique/",
    "reseau-historique": "/reseaux/aeropostale/historique/",
    "rencontres": "/rencontres/",
    "rencontre": "/rencontres/bilan-jumelages-2027/",
}
WIDTHS = {"telephone": 390, "bureau": 1280}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    from playwright.sync_api import sync_playwright

    # The same browser and flags as the browser tests.
    from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS

    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=BASE_DIR,
        env={**os.environ, "DEBUG": "1"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(60):
            try:
                urllib.request.urlopen(base + "/sante/", timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        OUT.mkdir(exist_ok=True)
        with sync_playwright() as playwright:
            for width_name, width in WIDTHS.items():
                for name, path in PAGES.items():
                    locale = "en-GB" if name.startswith("english") else "fr-FR"
                    context = playwright.chromium.launch_persistent_context(
                        tempfile.mkdtemp(prefix="archipel-shots-"),
                        executable_path=CHROMIUM,
                        args=CHROMIUM_ARGS,
                        viewport={"width": width, "height": 900},
                        locale=locale,
                    )
                    page = context.new_page()
                    page.goto(base + path, wait_until="networkidle")
                    target = OUT / f"{name}-{width_name}.png"
                    page.screenshot(path=str(target), full_page=True)
                    context.close()
                    print(target.relative_to(BASE_DIR))
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()

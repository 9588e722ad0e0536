"""Helpers for page tests: the text a visitor reads, and the queries a page makes."""

import re
from html import unescape

from django.db import connection
from django.test.utils import CaptureQueriesContext


def visible_text(response) -> str:
    """The page's text as a reader sees it: tags removed, entities decoded, spaces folded."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()


def query_count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(context.captured_queries)

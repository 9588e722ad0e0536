/* Error answers to htmx requests, shown rather than dropped.
 *
 * htmx 2 swaps no 4xx or 5xx answer (its responseHandling), so a refused or failed vote
 * showed nothing. The site's htmx views answer a refusal (400, 403, 429) with the
 * fragment to show, the vote box with its message: swap it as a success would be. Any
 * other error answer is a whole page (500, 503, a refused CSRF check): its message
 * goes into the box's error line and the page's live region. No answer at all (the site
 * unreachable): the box's own message. Elements say where with data-live-region (the id
 * of the live region) and data-unreachable (the message) on an ancestor.
 */
(function () {
  "use strict";

  function isWholePage(text) {
    return /^\s*<(!doctype|html)/i.test(text || "");
  }

  function pageMessage(text) {
    const page = new DOMParser().parseFromString(text, "text/html");
    const line = page.querySelector("main p") || page.querySelector("main h1") || page.querySelector("title");
    return line ? line.textContent.trim() : "";
  }

  function show(element, message) {
    const box = element.closest("[data-live-region]");
    if (!box || !message) return;
    const line = box.querySelector("[data-vote-error]");
    if (line) {
      line.textContent = message;
      line.hidden = false;
    }
    const region = document.getElementById(box.dataset.liveRegion);
    if (region) region.textContent = message;
  }

  document.addEventListener("htmx:beforeSwap", function (event) {
    const xhr = event.detail.xhr;
    if (xhr.status < 400) return;
    if (!isWholePage(xhr.responseText)) {
      event.detail.shouldSwap = true;
      return;
    }
    show(event.detail.elt, pageMessage(xhr.responseText));
  });

  document.addEventListener("htmx:sendError", function (event) {
    const box = event.detail.elt.closest("[data-unreachable]");
    if (box) show(event.detail.elt, box.dataset.unreachable);
  });
})();

// Progressive enhancement only: every page works without this file.
// Elements with data-refresh-url and data-refresh-seconds re-fetch their HTML fragment in place
// (the onboarding "waiting for the Web Connector" step, the dashboard queue). Announced politely to screen readers.
// Forms with data-confirm ask before submitting.
(function () {
  function refresh(element) {
    var url = element.getAttribute("data-refresh-url");
    var seconds = parseFloat(element.getAttribute("data-refresh-seconds") || "5");
    function tick() {
      fetch(url, { headers: { "Accept": "text/html", "X-Fragment": "1" }, credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.text() : null; })
        .then(function (html) {
          if (html !== null && html !== element.innerHTML) { element.innerHTML = html; }
          if (!element.querySelector("[data-refresh-stop]")) { setTimeout(tick, seconds * 1000); }
        })
        .catch(function () { setTimeout(tick, seconds * 2000); });
    }
    setTimeout(tick, seconds * 1000);
  }
  document.addEventListener("submit", function (event) {
    // Forms with data-confirm ask first (deleting a sandbox); without this file they simply submit.
    var question = event.target.getAttribute && event.target.getAttribute("data-confirm");
    if (question && !window.confirm(question)) { event.preventDefault(); }
  });
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-refresh-url]").forEach(refresh);
  });
})();

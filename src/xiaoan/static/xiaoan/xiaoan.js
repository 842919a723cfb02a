/* Behaviour of the page shell. No inline scripts anywhere (Content-Security-Policy: script-src 'self'). */
(function () {
  "use strict";

  // The navbar toggler on phones: <button data-xa-toggle="#xa-nav"> shows or hides its target.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-xa-toggle]");
    if (!button) { return; }
    var target = document.querySelector(button.getAttribute("data-xa-toggle"));
    if (target) {
      var shown = target.classList.toggle("show");
      button.setAttribute("aria-expanded", shown ? "true" : "false");
    }
  });

  // Navigation menus are <details>: one open at a time, and a click elsewhere closes them.
  document.addEventListener("click", function (event) {
    document.querySelectorAll(".xa-nav-group > details[open]").forEach(function (menu) {
      if (!menu.contains(event.target)) { menu.removeAttribute("open"); }
    });
  });

  // Domain errors answer htmx with 4xx + HX-Retarget #xa-messages: let htmx swap them in.
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.xhr.getResponseHeader("X-Xiaoan-Error")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
}());

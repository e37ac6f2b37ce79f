// Pim Console: progressive enhancement only. Every page works without this script; with it, instants read in the
// reader's time zone (the UTC instant on hover) and a request's page follows the request without a reload.
"use strict";

function localTimes(root) {
  const format = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
  for (const time of root.querySelectorAll("time[datetime]")) {
    const at = new Date(time.getAttribute("datetime"));
    if (Number.isNaN(at.getTime())) continue;
    time.title = at.toISOString().replace(".000Z", "Z") + " (UTC)";
    time.textContent = format.format(at);
  }
}

// A request's page: poll the console's small JSON endpoint until the request is no longer waiting, and show its
// status in the live region (announced to screen readers), without reloading the page.
function followRequest(panel) {
  const url = panel.getAttribute("data-follow");
  const status = panel.querySelector("[data-status]");
  const detail = panel.querySelector("[data-detail]");
  let delay = 1500;
  async function poll() {
    let answer;
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin", cache: "no-store" });
      if (response.status === 401) { status.textContent = "Your session has ended: sign in again to follow this request."; return; }
      if (!response.ok) throw new Error(String(response.status));
      answer = await response.json();
    } catch {
      delay = Math.min(delay * 2, 15000);
      setTimeout(poll, delay);
      return;
    }
    status.textContent = answer.headline;
    detail.textContent = answer.detail || "";
    panel.setAttribute("data-state", answer.status);
    if (answer.validUntil) {
      const time = document.createElement("time");
      time.setAttribute("datetime", answer.validUntil);
      time.textContent = answer.validUntil;
      status.textContent = answer.headlinePrefix;
      status.appendChild(time);
      localTimes(status);
    }
    if (answer.waiting) setTimeout(poll, delay);
  }
  setTimeout(poll, delay);
}

// "Select all" for the activate-several form.
function selectAll(box) {
  const form = box.closest("form");
  box.addEventListener("change", () => {
    for (const item of form.querySelectorAll("input[name='RoleKeys']")) item.checked = box.checked;
  });
}

// A confirmation for actions that cannot be undone, named by the button (data-confirm).
function confirmations(root) {
  for (const button of root.querySelectorAll("button[data-confirm]")) {
    button.addEventListener("click", (event) => {
      if (!window.confirm(button.getAttribute("data-confirm"))) event.preventDefault();
    });
  }
}

document.addEventListener("DOMContentLoaded", () => {
  localTimes(document);
  confirmations(document);
  for (const panel of document.querySelectorAll("[data-follow]")) followRequest(panel);
  for (const box of document.querySelectorAll("input[data-select-all]")) selectAll(box);
});

/* The portal's few behaviours, bound by data attributes so that pages hold no inline code (the
   Content-Security-Policy allows scripts from the portal's own files only). */
"use strict";

// Forms that ask before they post: <form data-confirm="Question?">.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
    event.stopImmediatePropagation(); // nor may htmx post it
  }
}, true);

// Search fields of pickers: Enter searches as typing does, it does not submit the surrounding form.
document.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && event.target.closest("[data-enter-stays]")) {
    event.preventDefault();
  }
});

// Inside [data-swap-refusals], a refusal (409 state conflict, 422 invalid input) still replaces the
// target: its answer is the form again, with the reasons.
document.addEventListener("htmx:beforeSwap", (event) => {
  if ([409, 422].includes(event.detail.xhr.status) && event.target.closest("[data-swap-refusals]")) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});

// A standard-price item picked for a line fills in its price, and its unit and specification if empty.
document.addEventListener("change", (event) => {
  const item = event.target;
  const picker = item.closest("[data-item-picker]");
  const form = item.form;
  if (!picker || !form || item.name !== `${picker.dataset.itemPicker}-standard_price`) {
    return;
  }
  const field = (name) => form.elements[`${picker.dataset.itemPicker}-${name}`];
  field("unit_price").value = item.dataset.price;
  if (!field("unit_1").value) field("unit_1").value = item.dataset.unit;
  if (!field("specification").value) field("specification").value = item.dataset.spec;
  field("unit_price").dispatchEvent(new Event("input", {bubbles: true}));
});

// Keeps what a volunteer types in the visit form on the device, so that a
// dropped connection, an expired session or a closed tab loses nothing.
// The draft is cleared only when the server confirms the visit was saved
// (the page it lands on carries data-clear-draft), and on signing out.
(function () {
  "use strict";
  var PREFIX = "vicp-visit-draft:";

  function storage() {
    try {
      return window.localStorage;
    } catch (error) {
      return null;
    }
  }

  function clearAll(store) {
    for (var i = store.length - 1; i >= 0; i--) {
      var key = store.key(i);
      if (key && key.indexOf(PREFIX) === 0) store.removeItem(key);
    }
  }

  function snapshot(form) {
    var values = {};
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!field.name || field.name === "csrfmiddlewaretoken" || field.type === "submit") return;
      if (field.type === "checkbox" || field.type === "radio") {
        if (!values[field.name]) values[field.name] = [];
        if (field.checked) values[field.name].push(field.value);
      } else {
        values[field.name] = field.value;
      }
    });
    return { savedAt: new Date().toISOString(), values: values };
  }

  function restore(form, draft) {
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!field.name || !(field.name in draft.values)) return;
      var value = draft.values[field.name];
      if (field.type === "checkbox" || field.type === "radio") {
        field.checked = value.indexOf(field.value) !== -1;
      } else if (field.name !== "csrfmiddlewaretoken") {
        field.value = value;
      }
    });
  }

  function toggleConcern(form) {
    var box = form.querySelector("[name=has_concern]");
    var details = form.querySelector("[data-concern-details]");
    if (!box || !details) return;
    var update = function () {
      details.hidden = !box.checked && !details.querySelector(".is-invalid");
    };
    box.addEventListener("change", update);
    update();
  }

  document.addEventListener("DOMContentLoaded", function () {
    var store = storage();
    document.querySelectorAll("form[action$='/accounts/logout/']").forEach(function (logout) {
      logout.addEventListener("submit", function () {
        if (store) clearAll(store);
      });
    });
    if (!store) return;
    document.querySelectorAll("[data-clear-draft]").forEach(function (element) {
      store.removeItem(element.getAttribute("data-clear-draft"));
    });
    var form = document.querySelector("form[data-draft-key]");
    if (!form) return;
    var key = form.getAttribute("data-draft-key");
    var saved = store.getItem(key);
    // After a refusal the server shows what was sent; otherwise the device's copy wins.
    if (saved && !form.hasAttribute("data-draft-bound")) {
      try {
        restore(form, JSON.parse(saved));
        var notice = document.querySelector("[data-draft-restored]");
        if (notice) notice.classList.remove("d-none");
      } catch (error) {
        store.removeItem(key);
      }
    }
    var timer = null;
    var save = function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        store.setItem(key, JSON.stringify(snapshot(form)));
      }, 300);
    };
    form.addEventListener("input", save);
    form.addEventListener("change", save);
    var discard = document.querySelector("[data-draft-discard]");
    if (discard) {
      discard.addEventListener("click", function () {
        store.removeItem(key);
        window.location.reload();
      });
    }
    toggleConcern(form);
  });
})();

// Keeps what is typed into a long form (form[data-draft-key]) on the device, so that
// a dropped connection, an expired session or a closed tab loses nothing.
//
// A signed-in person's drafts are encrypted (AES-GCM) with their own key, which
// only their pages carry (meta vicp-draft-key, see vicp/drafts.py): someone else
// signing in on the same browser cannot read them. Without Web Crypto nothing is
// kept. An anonymous form (data-draft-store="session") keeps its draft in the tab's
// sessionStorage only. A draft is cleared when the server says the form was saved
// (an element data-clear-draft on the page it leads to), by "Start again", and,
// for one's own drafts, on signing out.
(() => {
  "use strict";
  const PREFIX = "vicp-draft:";
  const LEGACY = "vicp-visit-draft:"; // plain-text drafts of an earlier version

  const meta = (name) => {
    const element = document.querySelector(`meta[name="${name}"]`);
    return element ? element.content : "";
  };

  const storage = (name) => {
    try {
      return window[name];
    } catch (error) {
      return null;
    }
  };

  const toBase64 = (bytes) => btoa(String.fromCharCode(...new Uint8Array(bytes)));
  const fromBase64 = (text) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));

  let keyPromise = null;
  const cryptoKey = () => {
    if (!keyPromise) {
      const secret = meta("vicp-draft-key");
      keyPromise =
        secret && window.crypto && window.crypto.subtle
          ? window.crypto.subtle
              .importKey("raw", fromBase64(secret), { name: "AES-GCM" }, false, [
                "encrypt",
                "decrypt",
              ])
              .catch(() => null)
          : Promise.resolve(null);
    }
    return keyPromise;
  };

  // A store reads and writes one form's draft ({savedAt, values}), or answers null.
  const encryptedStore = (store, key, name) => ({
    async read() {
      const saved = store.getItem(name);
      if (!saved) return null;
      try {
        const box = JSON.parse(saved);
        const plain = await crypto.subtle.decrypt(
          { name: "AES-GCM", iv: fromBase64(box.iv), additionalData: new TextEncoder().encode(name) },
          key,
          fromBase64(box.data),
        );
        return JSON.parse(new TextDecoder().decode(plain));
      } catch (error) {
        return null; // not readable with this key: left as it is
      }
    },
    async write(draft) {
      const iv = crypto.getRandomValues(new Uint8Array(12));
      const data = await crypto.subtle.encrypt(
        { name: "AES-GCM", iv, additionalData: new TextEncoder().encode(name) },
        key,
        new TextEncoder().encode(JSON.stringify(draft)),
      );
      store.setItem(name, JSON.stringify({ v: 1, iv: toBase64(iv), data: toBase64(data) }));
    },
    remove() {
      store.removeItem(name);
    },
  });

  const plainStore = (store, name) => ({
    async read() {
      try {
        return JSON.parse(store.getItem(name) || "null");
      } catch (error) {
        return null;
      }
    },
    async write(draft) {
      store.setItem(name, JSON.stringify(draft));
    },
    remove() {
      store.removeItem(name);
    },
  });

  // What is kept: every named field but the CSRF token, buttons, files, passwords
  // and hidden fields (a formset's row count excepted, to show as many rows again).
  const kept = (field) =>
    field.name &&
    field.name !== "csrfmiddlewaretoken" &&
    !["submit", "button", "reset", "file", "password", "image"].includes(field.type) &&
    (field.type !== "hidden" || field.name.endsWith("-TOTAL_FORMS"));

  const snapshot = (form) => {
    const values = {};
    for (const field of form.elements) {
      if (!kept(field)) continue;
      if (field.type === "checkbox" || field.type === "radio") {
        values[field.name] = values[field.name] || [];
        if (field.checked) values[field.name].push(field.value);
      } else if (field.type === "select-multiple") {
        values[field.name] = Array.from(field.selectedOptions, (option) => option.value);
      } else {
        values[field.name] = field.value;
      }
    }
    return { savedAt: new Date().toISOString(), values };
  };

  const restore = (form, values) => {
    const changed = new Set();
    for (const field of form.elements) {
      if (!kept(field) || field.type === "hidden" || !(field.name in values)) continue;
      const value = values[field.name];
      if (field.type === "checkbox" || field.type === "radio") {
        const checked = value.includes(field.value);
        if (field.checked !== checked) changed.add(field);
        field.checked = checked;
      } else if (field.type === "select-multiple") {
        for (const option of field.options) option.selected = value.includes(option.value);
        changed.add(field);
      } else if (field.value !== value) {
        field.value = value;
        changed.add(field);
      }
    }
    // Scripts that show or hide parts of the form follow the restored answers.
    changed.forEach((field) => field.dispatchEvent(new Event("change", { bubbles: true })));
  };

  // Formsets named in data-draft-rows: the address that shows as many rows as the
  // draft has (the view reads ?<prefix>=N), or null when the page shows enough.
  const addressWithRows = (form, values) => {
    const url = new URL(window.location.href);
    let more = false;
    for (const prefix of (form.dataset.draftRows || "").split(/\s+/).filter(Boolean)) {
      const total = form.elements[`${prefix}-TOTAL_FORMS`];
      const wanted = parseInt(values[`${prefix}-TOTAL_FORMS`], 10);
      if (total && wanted > parseInt(total.value, 10) && url.searchParams.get(prefix) !== String(wanted)) {
        url.searchParams.set(prefix, String(wanted));
        more = true;
      }
    }
    return more ? url.toString() : null;
  };

  const withoutRows = (form) => {
    const url = new URL(window.location.href);
    for (const prefix of (form.dataset.draftRows || "").split(/\s+/).filter(Boolean)) {
      url.searchParams.delete(prefix);
    }
    return url.toString();
  };

  const keep = async (form) => {
    const name = form.dataset.draftKey;
    let store;
    if (form.dataset.draftStore === "session") {
      const session = storage("sessionStorage");
      if (!session) return;
      store = plainStore(session, name);
    } else {
      const local = storage("localStorage");
      const key = await cryptoKey();
      if (!local || !key) return;
      store = encryptedStore(local, key, name);
    }

    // After a refusal the server shows what was sent; otherwise the device's copy wins.
    if (!form.hasAttribute("data-draft-bound")) {
      const draft = await store.read();
      if (draft && draft.values) {
        const address = addressWithRows(form, draft.values);
        if (address) {
          window.location.replace(address);
          return;
        }
        restore(form, draft.values);
        const notice = form.querySelector("[data-draft-restored]");
        if (notice) notice.classList.remove("d-none");
        const folded = form.closest("details");
        if (folded) folded.open = true;
      }
    }

    let timer = null;
    let dirty = false;
    let writing = Promise.resolve();
    const save = () => {
      window.clearTimeout(timer);
      dirty = false;
      writing = writing.then(() => store.write(snapshot(form))).catch(() => {});
      return writing;
    };
    const later = () => {
      dirty = true;
      window.clearTimeout(timer);
      timer = window.setTimeout(save, 300);
    };
    form.addEventListener("input", later);
    form.addEventListener("change", later);
    window.addEventListener("pagehide", () => {
      if (dirty) save();
    });
    // Whatever was typed last is on the device before the form leaves: if the
    // session has expired, it is what the form shows after signing in again.
    form.addEventListener("submit", (event) => {
      if (!dirty || event.defaultPrevented) return;
      event.preventDefault();
      const submitter = event.submitter;
      save().then(() => {
        // form.submit() sends no button: the one pressed goes as a field of its own.
        if (submitter && submitter.name) {
          const pressed = document.createElement("input");
          pressed.type = "hidden";
          pressed.name = submitter.name;
          pressed.value = submitter.value;
          form.append(pressed);
        }
        form.submit();
      });
    });
    const discard = form.querySelector("[data-draft-discard]");
    if (discard) {
      discard.addEventListener("click", () => {
        window.clearTimeout(timer);
        dirty = false;
        writing.then(() => {
          store.remove();
          window.location.replace(withoutRows(form));
        });
      });
    }
  };

  const clearOwn = () => {
    const local = storage("localStorage");
    const owner = meta("vicp-draft-owner");
    if (!local) return;
    for (let i = local.length - 1; i >= 0; i--) {
      const name = local.key(i);
      if (name && ((owner && name.startsWith(`${PREFIX}${owner}:`)) || name.startsWith(LEGACY))) {
        local.removeItem(name);
      }
    }
  };

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("form[action$='/accounts/logout/']").forEach((logout) => {
      logout.addEventListener("submit", clearOwn);
    });
    document.querySelectorAll("[data-clear-draft]").forEach((element) => {
      const name = element.getAttribute("data-clear-draft");
      for (const store of [storage("localStorage"), storage("sessionStorage")]) {
        if (store) store.removeItem(name);
      }
    });
    document.querySelectorAll("form[data-draft-key]").forEach((form) => {
      keep(form);
    });
  });
})();

/* What the customer pages share: their words, dates in the reader's language and time zone, calls to intake's
   public API, and errors shown next to the fields they are about. */
"use strict";
(function () {
  const words = JSON.parse(document.getElementById("page-words").textContent);
  const lang = document.body.dataset.lang;
  const htmlLang = document.body.dataset.htmlLang;
  const dates = new Intl.DateTimeFormat(htmlLang, { dateStyle: "long", timeStyle: "short" });

  function format(template, values) {
    return template.replace(/\{(\w+)\}/g, (all, name) => (name in values ? values[name] : all));
  }

  function formatTime(iso) {
    const moment = new Date(iso);
    return Number.isNaN(moment.getTime()) ? iso : dates.format(moment);
  }

  function localiseTimes(root) {
    root.querySelectorAll("time[datetime]").forEach((el) => { el.textContent = formatTime(el.dateTime); });
  }

  /* A random UUID; crypto.randomUUID exists only on https pages, getRandomValues everywhere. */
  function newKey() {
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  /* One call to the public API: {status, body, headers}; a network failure throws. */
  async function call(method, url, body, headers) {
    const init = { method, headers: { Accept: "application/json, application/problem+json", ...headers } };
    if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    const response = await fetch(url, init);
    const text = await response.text();
    let parsed = null;
    try { parsed = text ? JSON.parse(text) : null; } catch (e) { parsed = null; }
    return { status: response.status, body: parsed, headers: response.headers };
  }

  /* The words for what the browser's own checks found wrong with a field. */
  function messageFor(input) {
    const v = input.validity;
    if (v.valueMissing && input.type === "checkbox") {
      return input.name.startsWith("consent.") ? words.err_consent : words.err_confirm;
    }
    if (v.valueMissing) return words.err_required;
    if (v.tooShort) return input.id === "f-verification" ? words.err_not_found : words.err_required;
    if (v.typeMismatch && input.type === "email") return words.err_email;
    if (v.patternMismatch && input.type === "tel") return words.err_phone;
    if (v.tooLong) return words.err_too_long;
    if (v.rangeOverflow || v.rangeUnderflow) return words.err_date;
    return input.validationMessage || words.err_invalid;
  }

  /* The message for an error of a 422 problem+json about one field. */
  function problemMessage(error, name) {
    if (["missing", "string_too_short"].includes(error.type)) return words.err_required;
    if (["string_too_long", "too_long"].includes(error.type)) return words.err_too_long;
    if (name.endsWith("email")) return words.err_email;
    if (name.endsWith("phone")) return words.err_phone;
    return words.err_invalid;
  }

  function clearErrors(form, summary) {
    form.querySelectorAll("[aria-invalid]").forEach((el) => el.removeAttribute("aria-invalid"));
    form.querySelectorAll(".field-error").forEach((el) => { el.textContent = ""; el.hidden = true; });
    summary.hidden = true;
    summary.querySelector("ul").replaceChildren();
  }

  /* Marks each field, lists the errors at the top (links to the fields) and moves the focus to the first
     field in error, or to the list when no field is to blame. errors: [{input, message}]. */
  function showErrors(summary, errors) {
    const list = summary.querySelector("ul");
    list.replaceChildren();
    for (const { input, message } of errors) {
      const item = document.createElement("li");
      if (input) {
        input.setAttribute("aria-invalid", "true");
        const place = document.getElementById(`${input.id}-error`);
        if (place) { place.textContent = message; place.hidden = false; }
        const link = document.createElement("a");
        link.href = `#${input.id}`;
        link.textContent = `${labelOf(input)}: ${message}`;
        link.addEventListener("click", (event) => { event.preventDefault(); input.focus(); });
        item.append(link);
      } else {
        item.textContent = message;
      }
      list.append(item);
    }
    summary.hidden = false;
    const first = errors.find((e) => e.input);
    (first ? first.input : summary).focus();
  }

  function labelOf(input) {
    const label = input.labels && input.labels[0];
    if (!label) return input.name;
    const copy = label.cloneNode(true);
    copy.querySelectorAll(".tag").forEach((el) => el.remove());
    return copy.textContent.trim();
  }

  /* The browser's own checks (required, type, pattern, length, range) of every field of the form. */
  function checkFields(form) {
    const errors = [];
    for (const input of form.querySelectorAll("input, textarea, select")) {
      if (input.willValidate && !input.checkValidity()) errors.push({ input, message: messageFor(input) });
    }
    return errors;
  }

  function busy(form, on, text) {
    const button = form.querySelector("button[type=submit]");
    button.disabled = on;
    button.setAttribute("aria-busy", String(on));
    const status = form.querySelector(".status");
    if (status && text !== undefined) { status.className = "status"; status.textContent = text; }
  }

  function say(status, text, outcome) {
    status.className = outcome ? `status ${outcome}` : "status";
    status.textContent = text;
  }

  window.Redress = { words, lang, htmlLang, format, formatTime, localiseTimes, newKey, call, problemMessage,
                     clearErrors, showErrors, checkFields, busy, say };
  localiseTimes(document);
})();

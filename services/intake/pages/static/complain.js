/* The complaint form: checked in the browser first, then sent to the page's own POST /complain, which files it
   as POST /v1/complaints files a frontend's (that one needs the frontend's API key, which a page cannot keep);
   the 422 problem+json is shown next to the fields it names. One Idempotency-Key per content, so a retry after
   a lost answer files the complaint once, and an edited complaint is a new request. */
"use strict";
(function () {
  const R = window.Redress;
  const form = document.getElementById("complaint-form");
  const summary = document.getElementById("form-errors");
  const status = document.getElementById("form-status");
  let sent = { body: null, key: null };

  function value(name) {
    const input = form.elements.namedItem(name);
    return input ? input.value.trim() : "";
  }

  function checked(name) {
    return form.elements.namedItem(name).checked;
  }

  /* The customer id a frontend without accounts can give: the contact the customer tracks the complaint with. */
  function customerId(email, phone) {
    return email ? `web:${email.toLowerCase()}` : `web:tel:${phone.replace(/[^0-9+]/g, "")}`;
  }

  function complaint() {
    const email = value("customer.email");
    const phone = value("customer.phone");
    const customer = { id: customerId(email, phone), locale: R.htmlLang };
    if (value("customer.name")) customer.name = value("customer.name");
    if (email) customer.email = email;
    if (phone) customer.phone = phone;
    const body = { channel: "web", kind: form.elements.namedItem("kind").value, subject: value("subject"),
                   description: value("description"), customer,
                   consent: { data_processing: checked("consent.data_processing"),
                              contact: checked("consent.contact"), survey: checked("consent.survey") } };
    for (const name of ["remedy_sought", "product_ref", "region", "location"]) {
      if (value(name)) body[name] = value(name);
    }
    const day = value("occurred_at");
    if (day) {
      const [year, month, date] = day.split("-").map(Number);
      body.occurred_at = new Date(year, month - 1, date, 12).toISOString();  // midday, the customer's time
    }
    return body;
  }

  function clientErrors() {
    const errors = R.checkFields(form);
    if (!value("customer.email") && !value("customer.phone")) {
      errors.push({ input: form.elements.namedItem("customer.email"), message: R.words.err_contact });
    }
    return errors;
  }

  function fieldOf(loc) {
    const path = (loc || []).slice(loc && loc[0] === "body" ? 1 : 0);
    for (let end = path.length; end > 0; end -= 1) {
      const input = form.elements.namedItem(path.slice(0, end).join("."));
      if (input && input.id) return input;
      if (input && input.length) return input[0];  // the radio group
    }
    return null;
  }

  function serverErrors(problem) {
    const errors = (problem && problem.errors) || [];
    const shown = errors.map((error) => {
      const input = fieldOf(error.loc);
      const name = (error.loc || []).join(".");
      return input ? { input, message: R.problemMessage(error, name) }
                   : { input: null, message: (problem && problem.detail) || R.words.err_invalid };
    });
    return shown.length ? shown : [{ input: null, message: (problem && problem.detail) || R.words.err_invalid }];
  }

  function thanksUrl(answer) {
    const query = new URLSearchParams({ lang: R.lang, number: answer.tracking_number, received: answer.received_at,
                                        by: answer.expected_response_by });
    if (answer.duplicate_of) query.set("linked", "true");
    return `/complain/thanks?${query}`;
  }

  async function submit(event) {
    event.preventDefault();
    R.clearErrors(form, summary);
    R.say(status, "");
    const errors = clientErrors();
    if (errors.length) { R.showErrors(summary, errors); return; }
    const body = complaint();
    const text = JSON.stringify(body);
    if (text !== sent.body) sent = { body: text, key: R.newKey() };
    R.busy(form, true, R.words.sending);
    let answer;
    try {
      answer = await R.call("POST", "/complain", body, { "Idempotency-Key": sent.key });
    } catch (failure) {
      R.busy(form, false);
      R.say(status, R.words.err_network, "failed");
      return;
    }
    if (answer.status === 201 || answer.status === 200) {
      window.location.assign(thanksUrl(answer.body));
      return;
    }
    R.busy(form, false);
    R.say(status, "");
    if (answer.status === 422) R.showErrors(summary, serverErrors(answer.body));
    else R.say(status, R.format(R.words.err_server, { status: answer.status }), "failed");
  }

  form.addEventListener("submit", submit);
})();

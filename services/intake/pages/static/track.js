/* The tracking page: looks the complaint up with GET /v1/track/{number}?verification=…, shows its status,
   promised dates and public history, refreshes it, and sends the customer's reply, escalation request or
   withdrawal to the public endpoints. The verification stays in this page's memory only. */
"use strict";
(function () {
  const R = window.Redress;
  const REFRESH_MS = 30000;
  const FINAL = ["closed", "withdrawn"];
  const $ = (id) => document.getElementById(id);
  const lookup = $("lookup-form");
  const progress = $("progress");
  let current = null;  // {number, verification, status}

  function trackUrl(number, suffix) {
    return `/v1/track/${encodeURIComponent(number)}${suffix || ""}`;
  }

  function showTime(rowId, cellId, iso) {
    const row = rowId ? $(rowId) : null;
    if (row) row.hidden = !iso;
    if (!iso) return;
    const time = document.createElement("time");
    time.dateTime = iso;
    time.textContent = R.formatTime(iso);
    $(cellId).replaceChildren(time);
  }

  function step(item) {
    const li = document.createElement("li");
    li.dataset.kind = item.kind;
    const time = document.createElement("time");
    time.dateTime = item.at;
    time.textContent = R.formatTime(item.at);
    const title = document.createElement("strong");
    title.textContent = item.title;
    li.append(time, title);
    if (item.text) {
      const text = document.createElement("p");
      text.className = "text";
      if (item.kind === "survey" && /^https?:\/\//.test(item.text)) {
        const link = document.createElement("a");
        link.href = item.text;
        link.textContent = item.title;
        text.append(link);
      } else {
        text.textContent = item.text;
      }
      li.append(text);
    }
    return li;
  }

  function render(data) {
    $("progress-subject").textContent = data.subject;
    $("progress-number").textContent = data.tracking_number;
    const badge = $("progress-status");
    badge.textContent = data.status_text;
    badge.dataset.status = data.status;
    showTime(null, "progress-received", data.received_at);
    const replyBy = data.reply_by || (data.status === "received" ? data.expected_response_by : null);
    showTime("row-reply-by", "progress-reply-by", replyBy);
    showTime("row-resolve-by", "progress-resolve-by", data.resolve_by);
    showTime("row-escalation-requested", "progress-escalation-requested", data.escalation.requested_at);
    showTime("row-escalated", "progress-escalated", data.escalation.escalated_at);
    $("progress-awaiting").hidden = !data.awaiting_your_reply;
    $("history").replaceChildren(...data.history.map(step));
    const final = FINAL.includes(data.status);
    $("actions").hidden = final;
    $("final-note").hidden = !final;
    progress.hidden = false;
  }

  /* Fetches the complaint; returns the answer's status so callers can tell the customer what went wrong. */
  async function load(number, verification) {
    const query = new URLSearchParams({ verification, lang: R.lang });
    const answer = await R.call("GET", `${trackUrl(number)}?${query}`);
    if (answer.status !== 200) return answer;
    const before = current && current.number === answer.body.tracking_number ? current.status : null;
    current = { number: answer.body.tracking_number, verification, status: answer.body.status };
    render(answer.body);
    // Only a change of status is announced; the time of the last update is there to be read, not spoken.
    $("progress-updated").textContent = R.format(R.words.updated, { at: R.formatTime(new Date().toISOString()) });
    if (before && before !== answer.body.status) {
      $("progress-announce").textContent = R.format(R.words.status_changed, { status: answer.body.status_text });
    }
    return answer;
  }

  async function onLookup(event) {
    event.preventDefault();
    const summary = $("lookup-errors");
    R.clearErrors(lookup, summary);
    const errors = R.checkFields(lookup);
    if (errors.length) { R.showErrors(summary, errors); return; }
    const number = $("f-number").value.trim();
    const verification = $("f-verification").value.trim();
    R.busy(lookup, true, R.words.loading);
    let answer;
    try {
      answer = await load(number, verification);
    } catch (failure) {
      R.busy(lookup, false);
      R.say($("lookup-status"), R.words.err_network, "failed");
      return;
    }
    R.busy(lookup, false, "");
    if (answer.status === 200) {
      const query = new URLSearchParams({ lang: R.lang, number: current.number });
      window.history.replaceState(null, "", `/track?${query}`);
      $("progress-subject").setAttribute("tabindex", "-1");
      $("progress-subject").focus();
    } else if (answer.status === 404) {
      R.showErrors(summary, [{ input: $("f-verification"), message: R.words.err_not_found }]);
    } else if (answer.status === 422) {
      const aboutVerification = ((answer.body && answer.body.errors) || []).some(
        (e) => (e.loc || []).includes("verification"));
      R.showErrors(summary, [aboutVerification ? { input: $("f-verification"), message: R.words.err_required }
                                               : { input: $("f-number"), message: R.words.err_number }]);
    } else {
      R.say($("lookup-status"), R.format(R.words.err_server, { status: answer.status }), "failed");
    }
  }

  async function refresh() {
    const button = $("refresh");
    if (!current || button.disabled) return;
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    try {
      await load(current.number, current.verification);
    } catch (failure) {
      $("progress-announce").textContent = R.words.err_network;
    } finally {
      button.disabled = false;
      button.setAttribute("aria-busy", "false");
    }
  }

  function actionBody(form) {
    const body = { verification: current.verification };
    const text = form.querySelector("textarea").value.trim();
    const name = form.querySelector("textarea").name;
    if (text) body[name] = text;
    return body;
  }

  function actionErrors(form, answer) {
    const textarea = form.querySelector("textarea");
    if (answer.status === 422) {
      const errors = (answer.body && answer.body.errors) || [];
      const about = errors.find((e) => (e.loc || []).includes(textarea.name));
      return [about ? { input: textarea, message: R.problemMessage(about, textarea.name) }
                    : { input: null, message: (answer.body && answer.body.detail) || R.words.err_invalid }];
    }
    if (answer.status === 409) return [{ input: null, message: R.words.err_final }];
    if (answer.status === 404) return [{ input: null, message: R.words.err_not_found }];
    if (answer.status === 429) {
      const at = answer.body && answer.body.retry_after ? R.formatTime(answer.body.retry_after) : "";
      return [{ input: null, message: R.format(R.words.err_escalate_recent, { at }) }];
    }
    return [{ input: null, message: R.format(R.words.err_server, { status: answer.status }) }];
  }

  const DONE = { replies: "reply_done", escalation: "escalate_done", withdrawal: "withdraw_done" };

  async function onAction(event) {
    event.preventDefault();
    const form = event.currentTarget;
    const summary = form.querySelector(".problem");
    const status = form.querySelector(".status");
    R.clearErrors(form, summary);
    R.say(status, "");
    const errors = R.checkFields(form);
    if (errors.length) { R.showErrors(summary, errors); return; }
    R.busy(form, true, R.words.sending);
    let answer;
    try {
      answer = await R.call("POST", trackUrl(current.number, `/${form.dataset.action}`), actionBody(form));
    } catch (failure) {
      R.busy(form, false);
      R.say(status, R.words.err_network, "failed");
      return;
    }
    R.busy(form, false, "");
    if (answer.status !== 204) { R.showErrors(summary, actionErrors(form, answer)); return; }
    form.reset();
    R.say(status, R.words[DONE[form.dataset.action]], "done");
    try {
      await load(current.number, current.verification);
    } catch (failure) {
      $("progress-announce").textContent = R.words.err_network;
    }
    if (form.dataset.action === "withdrawal") {
      const note = $("final-note");
      note.setAttribute("tabindex", "-1");
      note.focus();
    }
  }

  lookup.addEventListener("submit", onLookup);
  $("refresh").addEventListener("click", refresh);
  document.querySelectorAll("form.action").forEach((form) => form.addEventListener("submit", onAction));
  window.setInterval(() => {
    if (current && document.visibilityState === "visible") refresh();
  }, REFRESH_MS);
})();

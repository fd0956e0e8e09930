/* The acknowledgement: the tracking number can be copied with one press. */
"use strict";
(function () {
  const R = window.Redress;
  const button = document.getElementById("copy-number");
  const status = document.getElementById("copy-status");
  if (!navigator.clipboard) return;
  button.hidden = false;
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(button.dataset.number);
      R.say(status, R.words.copied, "done");
    } catch (failure) {
      R.say(status, "");
    }
  });
})();

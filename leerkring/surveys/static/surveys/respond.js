/*
 * The respondent's form, made a little kinder. Optional: the form works without it.
 *
 * - Answers are kept in localStorage until the form is sent, so a reload or a lost
 *   connection does not lose them. The storage key comes from the page (data-lk-draft), a
 *   random-looking value that is not the link's token. Nothing but the answer fields is
 *   stored (no CSRF token, no honeypot).
 * - After sending, the thanks page removes the stored answers.
 * - A progress bar counts the questions answered.
 * - "Pick from an earlier question" shows only the answers ticked there.
 */
(function () {
  "use strict";

  var PREFIX = "leerkring-survey:";
  var PENDING = "leerkring-survey-sent";

  function storage(kind) {
    try {
      var store = window[kind];
      var probe = PREFIX + "probe";
      store.setItem(probe, "1");
      store.removeItem(probe);
      return store;
    } catch (e) {
      return null;
    }
  }

  var local = storage("localStorage");
  var session = storage("sessionStorage");

  // The thanks page: forget the answers of the form just sent.
  if (document.querySelector("[data-lk-survey-done]")) {
    if (local && session) {
      var sent = session.getItem(PENDING);
      if (sent) {
        local.removeItem(PREFIX + sent);
        session.removeItem(PENDING);
      }
    }
    return;
  }

  var form = document.querySelector("form[data-lk-survey]");
  if (!form) {
    return;
  }
  var key = PREFIX + form.getAttribute("data-lk-draft");

  function answerFields() {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && /^(q\d+)/.test(el.name) && !el.disabled;
    });
  }

  function collect() {
    var data = {};
    answerFields().forEach(function (el) {
      if (el.type === "radio" || el.type === "checkbox") {
        if (el.checked) {
          (data[el.name] = data[el.name] || []).push(el.value);
        }
      } else if (el.value) {
        data[el.name] = [el.value];
      }
    });
    return data;
  }

  function save() {
    if (!local) {
      return;
    }
    try {
      local.setItem(key, JSON.stringify(collect()));
    } catch (e) {
      /* storage full or refused: the form still works */
    }
  }

  function restore() {
    if (!local || !form.hasAttribute("data-lk-restore")) {
      return;
    }
    var data;
    try {
      data = JSON.parse(local.getItem(key) || "null");
    } catch (e) {
      data = null;
    }
    if (!data) {
      return;
    }
    answerFields().forEach(function (el) {
      var values = data[el.name];
      if (!values) {
        return;
      }
      if (el.type === "radio" || el.type === "checkbox") {
        el.checked = values.indexOf(el.value) !== -1;
      } else {
        el.value = values[0];
      }
    });
  }

  function answered(group) {
    return Array.prototype.some.call(
      group.querySelectorAll("input, textarea"),
      function (el) {
        if (el.type === "radio" || el.type === "checkbox") {
          return el.checked;
        }
        return el.value.trim() !== "" && /^q\d+$/.test(el.name);
      }
    );
  }

  var progress = form.querySelector("[data-lk-progress]");
  var questions = form.querySelectorAll("[data-lk-question]");

  function updateProgress() {
    if (!progress) {
      return;
    }
    var done = Array.prototype.filter.call(questions, answered).length;
    var bar = progress.querySelector("progress");
    bar.max = questions.length;
    bar.value = done;
    var label = progress.getAttribute("data-lk-progress-label") || "{done} / {total}";
    progress.querySelector("[data-lk-progress-text]").textContent = label
      .replace("{done}", done)
      .replace("{total}", questions.length);
  }

  // Pick-from questions offer only what was ticked in the earlier question.
  function updatePipes() {
    form.querySelectorAll("[data-lk-pipe]").forEach(function (fieldset) {
      var source = fieldset.getAttribute("data-lk-pipe");
      var ticked = {};
      form.querySelectorAll('input[name="' + source + '"]').forEach(function (el) {
        if (el.checked) {
          ticked[el.value] = true;
        }
      });
      fieldset.querySelectorAll("input[data-lk-source-value]").forEach(function (el) {
        var row = el.closest(".lk-question__choice") || el.parentNode;
        var show = !!ticked[el.value];
        row.hidden = !show;
        if (!show) {
          el.checked = false;
        }
      });
    });
  }

  restore();
  updatePipes();
  updateProgress();
  if (progress) {
    progress.hidden = false;
  }
  var note = form.querySelector("[data-lk-draft-note]");
  if (note && local) {
    note.hidden = false;
  }

  form.addEventListener("change", function () {
    updatePipes();
    updateProgress();
    save();
  });
  form.addEventListener("input", function () {
    updateProgress();
    save();
  });
  form.addEventListener("submit", function () {
    save();
    if (session) {
      session.setItem(PENDING, form.getAttribute("data-lk-draft"));
    }
  });

  // After a refused submit, bring the error summary into view and focus.
  var summary = document.getElementById("foutmeldingen");
  if (summary) {
    summary.focus();
  }
})();

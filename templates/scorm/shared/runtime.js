/*
 * coursepack SCORM runtime: one file for SCORM 1.2 and SCORM 2004 4th edition.
 * The edition differences are the data in EDITIONS; the page says which edition it is
 * in its JSON data (<script id="cp-data">), written by exporters/scorm/pages.py.
 *
 * - finds the LMS API (API / API_1484_11) in up to 7 parents, then in the opener;
 *   with no LMS it runs in preview mode (a notice; nothing is saved);
 * - shows one page (start, lesson, quiz, glossary, end) at a time, with contents and previous/next;
 * - orders choices (and, where the quiz asks, questions) per learner and attempt: seeded by the
 *   learner id, the question or quiz id and the attempt number, so a resumed attempt looks the
 *   same; answers and interactions use the source order, so the correct patterns still match;
 * - scores the quizzes from the JSON key, shows results and the author's feedback, asks before
 *   submitting unanswered questions, offers another attempt (review, then retry) while the quiz
 *   is below the pass mark and attempts are left (data.attempts; 0 = unlimited): the last
 *   attempt counts, and the correct answers are shown once the result is final;
 * - reports status, score, interactions (every attempt's, up to 250) and objectives (one per
 *   learning outcome);
 * - bookmarks: location + suspend_data, restored when the LMS says entry=resume.
 *
 * suspend_data encoding (keep in sync with suspend_worst_case in exporters/scorm/budget.py):
 *   "3" <location base 36> "." <visited pages, hex bitmap> "." <submitted quizzes, hex bitmap> "."
 *   <attempt number of each quiz, one base-36 digit each> "."
 *   then one answer per question of the SCO, in order, with nothing between them:
 *     unanswered         "-"
 *     single             choice index, one base-36 digit
 *     truefalse          "t" | "f"
 *     multiple           bitmap of checked choices, ceil(n/4) hex digits
 *     matching           one base-36 digit per left item (chosen right), "_" when not chosen
 *     numerical          unit index (base-36 digit) + text field
 *     shortanswer/essay  text field
 *   text field = the text with "~" escapes ("~~" tilde, "~n" line break, "~t" tab), then "~.";
 *   texts are capped in written characters (caps in the JSON data).
 *   The value holds no raw line break or tab and never ends in a space, so what an LMS may do
 *   on the way (LF to CRLF in a form post, trimming, added line ends) changes nothing: the
 *   reader drops raw CR/LF and trailing white space. It also reads the older formats "2" (no
 *   attempt numbers; every quiz in attempt 1) and "1" (the same, and text field = <length base 36>
 *   ":" <text>, CRLF turned back into LF first), whose page numbers count from the first lesson
 *   (they were written before the start page existed), and from a value cut
 *   short or damaged it keeps every field before the damage; an unknown format keeps the bookmark.
 */
(function () {
  "use strict";

  var EDITIONS = {
    scorm12: {
      api: "API", initialize: "LMSInitialize", terminate: "LMSFinish", getValue: "LMSGetValue",
      setValue: "LMSSetValue", commit: "LMSCommit", getLastError: "LMSGetLastError",
      getErrorString: "LMSGetErrorString",
      learner: "cmi.core.student_id", entry: "cmi.core.entry", mode: "cmi.core.lesson_mode", credit: "cmi.core.credit",
      location: "cmi.core.lesson_location", completion: "cmi.core.lesson_status", success: null,
      exit: "cmi.core.exit", exitDone: "", sessionTime: "cmi.core.session_time",
      score: "cmi.core.score.", scaled: false,
      learnerResponse: "student_response", timeField: "time", wrong: "wrong",
      types: { single: "choice", multiple: "choice", truefalse: "true-false", shortanswer: "fill-in",
               numerical: "numeric", matching: "matching", essay: "fill-in" },
      comma: ",", dot: ".", textLimit: 255, essayLimit: 255, tf: { t: "t", f: "f" }, numeric: null,
      objectiveStatus: "status", objectivesNeedChildren: true,
      sessionFormat: "clock4", latencyFormat: "clock2", timeFormat: "timeofday"
    },
    scorm2004: {
      api: "API_1484_11", initialize: "Initialize", terminate: "Terminate", getValue: "GetValue",
      setValue: "SetValue", commit: "Commit", getLastError: "GetLastError",
      getErrorString: "GetErrorString",
      learner: "cmi.learner_id", entry: "cmi.entry", mode: "cmi.mode", credit: "cmi.credit",
      location: "cmi.location", completion: "cmi.completion_status", success: "cmi.success_status",
      exit: "cmi.exit", exitDone: "normal", sessionTime: "cmi.session_time",
      score: "cmi.score.", scaled: true,
      learnerResponse: "learner_response", timeField: "timestamp", wrong: "incorrect",
      types: { single: "choice", multiple: "choice", truefalse: "true-false", shortanswer: "fill-in",
               numerical: "numeric", matching: "matching", essay: "long-fill-in" },
      comma: "[,]", dot: "[.]", textLimit: 250, essayLimit: 4000, tf: { t: "true", f: "false" },
      // The standard's numeric values are real(10,7), but Moodle's 2004 runtime refuses more than
      // 5 digits before the point (error 406): such an interaction is reported as "other".
      numeric: /^-?\d{1,5}(\.\d{1,18})?$/,
      objectiveStatus: "success_status", objectivesNeedChildren: false,
      sessionFormat: "iso", latencyFormat: "iso", timeFormat: "timestamp"
    }
  };
  var LEFT_KEYS = "123456789abcdefghijklmnopqrstuvwxyz";
  var CHOICE_KEYS = "abcdefghijklmnopqrstuvwxyz0123456789";

  var data = JSON.parse(document.getElementById("cp-data").textContent);
  var ED = EDITIONS[data.edition];
  var L = data.labels;
  var pages = Array.prototype.slice.call(document.querySelectorAll("section.page"));
  var forms = Array.prototype.slice.call(document.querySelectorAll("form.quiz"));
  var questionsOfQuiz = [];
  data.questions.forEach(function (q, i) {
    (questionsOfQuiz[q.z] = questionsOfQuiz[q.z] || []).push(i);
  });

  var state = { page: 0, visited: [], submitted: [], attempts: [], answers: [] };
  var startedAt = Date.now();
  var quizShownAt = [];
  var changedAt = [];
  var lms = null;            // {api, write, credit, objectives: {id: index} | null}
  var terminated = false;
  var completedReported = false;
  var keepScore = false;     // saved answers were partly lost: do not overwrite the LMS's score
  var SUSPEND_VERSION = "3";
  var MAX_ATTEMPT = 35;      // one base-36 digit
  var MAX_INTERACTIONS = 250; // the smallest count SCORM 2004 requires an LMS to keep
  var learnerId = "";
  var decimalComma = (1.5).toLocaleString(data.lang).indexOf(",") >= 0;

  document.documentElement.classList.add("js");

  /* ---------------------------------------------------------------- LMS calls */

  function findApiIn(win) {
    for (var tries = 0; win && tries <= 7; tries += 1) {
      try {
        if (win[ED.api]) { return win[ED.api]; }
      } catch (e) { return null; }       // a cross-origin frame: stop there
      if (!win.parent || win.parent === win) { break; }
      win = win.parent;
    }
    return null;
  }

  function findApi() {
    var api = findApiIn(window);
    if (!api && window.opener) {
      try { api = findApiIn(window.opener); } catch (e) { api = null; }
    }
    return api;
  }

  function call(method) {
    var args = Array.prototype.slice.call(arguments, 1);
    var result;
    try {
      result = lms.api[method].apply(lms.api, args);
    } catch (e) {
      console.warn("SCORM " + method + " threw: " + e);
      return "";
    }
    var code = String(lms.api[ED.getLastError]());
    if (code !== "0" && code !== "") {
      console.warn("SCORM " + method + "(" + args.join(", ") + ") failed: error " + code + " " +
                   lms.api[ED.getErrorString](code));
    }
    return result === undefined || result === null ? "" : String(result);
  }

  function get(element) { return call(ED.getValue, element); }
  function set(element, value) { return call(ED.setValue, element, String(value)); }

  function connect() {
    var api = findApi();
    if (!api) {
      var notice = document.getElementById("cp-notice");
      notice.textContent = L.preview_mode;
      notice.hidden = false;
      return null;
    }
    lms = { api: api, write: false, credit: true, objectives: null, interactions: null };
    if (call(ED.initialize, "") !== "true") { lms = null; return null; }
    var mode = get(ED.mode);
    lms.write = mode === "" || mode === "normal";
    lms.credit = get(ED.credit) !== "no-credit";
    learnerId = get(ED.learner);
    if (get(ED.entry) === "resume") {
      restore(get("cmi.suspend_data"), get(ED.location));
    }
    if (lms.write && lms.credit) {
      var status = get(ED.completion);
      if (status === "not attempted" || status === "unknown" || status === "") {
        set(ED.completion, "incomplete");
      } else if (status === "completed" || status === "passed" || status === "failed") {
        completedReported = true;
      }
    }
    if (lms.write) { setExit(); }
    return lms;
  }

  /* exit=suspend keeps the attempt open (resume, with its answers) while anything is left to do,
     another attempt at a quiz included; a finished course exits normally. */
  function setExit() {
    var value = completedReported && !canRetryAny() ? ED.exitDone : "suspend";
    if (lms.exit !== value) { set(ED.exit, value); lms.exit = value; }
  }

  function commit() {
    if (!lms || !lms.write || terminated) { return; }
    set(ED.sessionTime, formatSpan(Date.now() - startedAt, ED.sessionFormat));
    call(ED.commit, "");
  }

  function terminate() {
    if (!lms || terminated) { return; }
    if (lms.write) {
      saveProgress();
      set(ED.sessionTime, formatSpan(Date.now() - startedAt, ED.sessionFormat));
    }
    terminated = true;
    call(ED.terminate, "");
  }

  /* ---------------------------------------------------------------- formats */

  function pad(n, width) {
    var s = String(n);
    while (s.length < width) { s = "0" + s; }
    return s;
  }

  function formatSpan(ms, format) {
    var cs = Math.max(0, Math.round(ms / 10));
    var h = Math.floor(cs / 360000);
    var m = Math.floor(cs / 6000) % 60;
    var s = Math.floor(cs / 100) % 60;
    var frac = cs % 100;
    if (format === "iso") {
      return "PT" + h + "H" + m + "M" + s + (frac ? "." + pad(frac, 2) : "") + "S";
    }
    if (format === "clock4") {
      return pad(Math.min(h, 9999), 4) + ":" + pad(m, 2) + ":" + pad(s, 2) + "." + pad(frac, 2);
    }
    return pad(Math.min(h, 99), 2) + ":" + pad(m, 2) + ":" + pad(s, 2);
  }

  function formatNow(format) {
    var d = new Date();
    var clock = pad(d.getHours(), 2) + ":" + pad(d.getMinutes(), 2) + ":" + pad(d.getSeconds(), 2);
    if (format === "timeofday") { return clock; }
    return d.getFullYear() + "-" + pad(d.getMonth() + 1, 2) + "-" + pad(d.getDate(), 2) + "T" + clock;
  }

  function formatDecimal(x) {
    var s = (Math.round(x * 1e6) / 1e6).toFixed(6).replace(/0+$/, "").replace(/\.$/, "");
    return s === "-0" ? "0" : s;
  }

  function show(x) {
    return Number(x).toLocaleString(data.lang, { maximumFractionDigits: 1 });
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (all, key) {
      return values.hasOwnProperty(key) ? values[key] : all;
    });
  }

  function cleanText(text, limit) {
    var t = String(text).replace(/\s+/g, " ").replace(/\[,\]/g, ",").replace(/\[\.\]/g, ".")
      .replace(/\[:\]/g, ":");
    if (t.charAt(0) === "{") { t = " " + t; }
    return t.slice(0, limit);
  }

  function parseNumber(text) {
    var t = String(text).replace(/[\s\u00a0]/g, "");
    if (!t) { return NaN; }
    var dots = (t.match(/\./g) || []).length;
    var commas = (t.match(/,/g) || []).length;
    if (dots && commas) {
      var decimal = t.lastIndexOf(",") > t.lastIndexOf(".") ? "," : ".";
      t = t.split(decimal === "," ? "." : ",").join("").replace(",", ".");
    } else if (commas > 1 || dots > 1) {
      t = t.replace(/[.,]/g, "");
    } else if (commas === 1) {
      t = decimalComma || !/,\d{3}$/.test(t) ? t.replace(",", ".") : t.replace(",", "");
    } else if (dots === 1 && decimalComma && /^[-+]?\d{1,3}\.\d{3}$/.test(t)) {
      t = t.replace(".", "");
    }
    return /^[-+]?(\d+\.?\d*|\.\d+)$/.test(t) ? parseFloat(t) : NaN;
  }

  /* ---------------------------------------------------------------- answers */

  function controls(i) {
    return document.getElementById("q" + i);
  }

  function readAnswer(i) {
    var q = data.questions[i];
    var box = controls(i);
    var value;
    if (q.k === "single" || q.k === "truefalse") {
      var checked = box.querySelector("input:checked");
      if (!checked) { return null; }
      return q.k === "single" ? Number(checked.value) : checked.value;
    }
    if (q.k === "multiple") {
      var bits = q.w.map(function (w, c) { return document.getElementById("q" + i + "-c" + c).checked; });
      return bits.indexOf(true) >= 0 ? bits : null;
    }
    if (q.k === "matching") {
      var picks = q.c.map(function (c, left) {
        var v = document.getElementById("q" + i + "-m" + left).value;
        return v === "" ? null : Number(v);
      });
      return picks.some(function (p) { return p !== null; }) ? picks : null;
    }
    if (q.k === "numerical") {
      value = document.getElementById("q" + i + "-num").value.trim().slice(0, data.caps.number);
      if (!value) { return null; }
      var unit = document.getElementById("q" + i + "-unit");
      return { t: value, u: unit ? Number(unit.value) : 0 };
    }
    var field = box.querySelector(q.k === "essay" ? "textarea" : "input");
    value = field.value;
    if (q.k === "shortanswer") { value = value.trim().slice(0, data.caps.short); }
    return value.trim() ? value : null;
  }

  function writeAnswer(i, answer) {
    var q = data.questions[i];
    if (answer === null || answer === undefined) { return; }
    if (q.k === "single") {
      document.getElementById("q" + i + "-c" + answer).checked = true;
    } else if (q.k === "truefalse") {
      document.getElementById("q" + i + "-" + answer).checked = true;
    } else if (q.k === "multiple") {
      answer.forEach(function (on, c) { document.getElementById("q" + i + "-c" + c).checked = on; });
    } else if (q.k === "matching") {
      answer.forEach(function (pick, left) {
        document.getElementById("q" + i + "-m" + left).value = pick === null ? "" : String(pick);
      });
    } else if (q.k === "numerical") {
      document.getElementById("q" + i + "-num").value = answer.t;
      var unit = document.getElementById("q" + i + "-unit");
      if (unit) { unit.value = String(answer.u); }
    } else {
      controls(i).querySelector(q.k === "essay" ? "textarea" : "input").value = answer;
    }
  }

  /* Score one answer: {fraction, pick: index of the author's answer that matched (or null)}. */
  function score(q, answer) {
    if (answer === null || answer === undefined) { return { fraction: 0, pick: null }; }
    if (q.k === "single") { return { fraction: Math.max(0, q.w[answer] / 100), pick: answer }; }
    if (q.k === "truefalse") { return { fraction: (answer === "t") === q.a ? 1 : 0, pick: answer }; }
    if (q.k === "multiple") {
      var sum = 0;
      answer.forEach(function (on, c) { if (on) { sum += q.w[c]; } });
      return { fraction: Math.min(1, Math.max(0, sum / 100)), pick: null };
    }
    if (q.k === "matching") {
      var right = 0;
      q.c.forEach(function (c, left) { if (answer[left] === c) { right += 1; } });
      return { fraction: right / q.c.length, pick: null };
    }
    if (q.k === "numerical") {
      var x = parseNumber(answer.t);
      if (isNaN(x)) { return { fraction: 0, pick: null }; }
      x = x / (q.u.length ? q.u[answer.u] || 1 : 1);
      for (var n = 0; n < q.a.length; n += 1) {
        if (Math.abs(x - q.a[n][0]) <= q.a[n][1] + 1e-9) {
          return { fraction: Math.max(0, q.a[n][2] / 100), pick: n };
        }
      }
      return { fraction: 0, pick: null };
    }
    if (q.k === "shortanswer") {
      var given = answer.trim().replace(/\s+/g, " ");
      for (var k = 0; k < q.a.length; k += 1) {
        var expected = q.a[k][0].trim().replace(/\s+/g, " ");
        if (q.cs ? given === expected : given.toLowerCase() === expected.toLowerCase()) {
          return { fraction: Math.max(0, q.a[k][1] / 100), pick: k };
        }
      }
      return { fraction: 0, pick: null };
    }
    return { fraction: 0, pick: null };     // essay: answered, not auto-graded
  }

  function learnerResponse(q, answer) {
    if (q.k === "single") { return CHOICE_KEYS.charAt(answer); }
    if (q.k === "truefalse") { return ED.tf[answer]; }
    if (q.k === "multiple") {
      return answer.map(function (on, c) { return on ? CHOICE_KEYS.charAt(c) : null; })
        .filter(function (k) { return k !== null; }).join(ED.comma);
    }
    if (q.k === "matching") {
      return answer.map(function (pick, left) {
        return pick === null ? null : LEFT_KEYS.charAt(left) + ED.dot + CHOICE_KEYS.charAt(pick);
      }).filter(function (p) { return p !== null; }).join(ED.comma);
    }
    if (q.k === "numerical") {
      var x = parseNumber(answer.t);
      return isNaN(x) ? null : formatDecimal(x / (q.u.length ? q.u[answer.u] || 1 : 1));
    }
    return cleanText(answer, q.k === "essay" ? ED.essayLimit : ED.textLimit);
  }

  /* ---------------------------------------------------------------- suspend_data */

  function hexBits(flags, count) {
    var out = "";
    for (var i = 0; i < Math.max(1, Math.ceil(count / 4)); i += 1) {
      var digit = 0;
      for (var b = 0; b < 4; b += 1) { if (flags[i * 4 + b]) { digit |= 1 << b; } }
      out += digit.toString(16);
    }
    return out;
  }

  function readBits(text, count) {
    var flags = [];
    for (var i = 0; i < count; i += 1) {
      flags.push((parseInt(text.charAt(Math.floor(i / 4)), 16) >> (i % 4) & 1) === 1);
    }
    return flags;
  }

  /* A text field: the text with "~" as escape ("~~" a tilde, "~n" a line break, "~t" a tab),
     ended by "~.". Nothing in it depends on its length, and it holds no raw line break or tab,
     so an LMS that turns LF into CRLF (a form post does) or trims the value cannot shift it. The
     cap counts the written characters: the longest start of the text that fits is kept. */
  function textField(text, cap) {
    var t = String(text).replace(/\r\n?/g, "\n");
    var out = "";
    for (var i = 0; i < t.length; i += 1) {
      var ch = t.charAt(i);
      var piece = ch === "~" ? "~~" : ch === "\n" ? "~n" : ch === "\t" ? "~t" : ch;
      var code = ch.charCodeAt(0);
      if (code >= 0xd800 && code < 0xdc00 && i + 1 < t.length) { piece += t.charAt(i + 1); }
      if (out.length + piece.length > cap) { break; }
      out += piece;
      i += piece.length === 2 && piece.charAt(0) !== "~" ? 1 : 0;
    }
    return out + "~.";
  }

  function encodeAnswer(q, a) {
    if (a === null || a === undefined) { return "-"; }
    if (q.k === "single") { return a.toString(36); }
    if (q.k === "truefalse") { return a; }
    if (q.k === "multiple") { return hexBits(a, a.length); }
    if (q.k === "matching") {
      return a.map(function (p) { return p === null ? "_" : p.toString(36); }).join("");
    }
    if (q.k === "numerical") { return a.u.toString(36) + textField(a.t, data.caps.number); }
    return textField(a, q.k === "essay" ? data.caps.essay : data.caps.short);
  }

  function encodeState() {
    var out = SUSPEND_VERSION + state.page.toString(36) + "." + hexBits(state.visited, pages.length) + "." +
      hexBits(state.submitted, forms.length) + ".";
    forms.forEach(function (form, z) { out += attemptOf(z).toString(36); });
    out += ".";
    data.questions.forEach(function (q, i) { out += encodeAnswer(q, state.answers[i]); });
    return out;
  }

  /* Reads saved progress written by this runtime (format "3") or an older one ("2", "1"), keeping
     every field it can read: {page, visited, submitted, answers, complete, note}. A value cut
     short, or damaged past some point, gives the fields before that point (a cut text keeps its
     start); "complete" is false then and "note" says why. An unknown format gives nothing. */
  function decodeState(raw) {
    var version = raw.charAt(0);
    var text = version !== "1" ? raw.replace(/[\r\n]/g, "").replace(/[\s\u00a0]+$/, "") :
      raw.replace(/\r\n?/g, "\n");
    var found = { page: 0, visited: [], submitted: [], attempts: [],
                  answers: data.questions.map(function () { return null; }), complete: false, note: "" };
    var head = version === "3" ? /^3([0-9a-z]+)\.([0-9a-f]+)\.([0-9a-f]+)\.([0-9a-z]*)\./.exec(text) :
      /^[12]([0-9a-z]+)\.([0-9a-f]+)\.([0-9a-f]+)\./.exec(text);
    if (!head) {
      found.note = /^[123]/.test(version) ? "its header is damaged" : "format '" + version +
        "' is not one this package reads";
      return found;
    }
    if (version === "3") {
      found.page = Math.min(parseInt(head[1], 36), pages.length - 1);
      found.visited = readBits(head[2], pages.length);
      found.attempts = head[4].split("").map(function (ch) { return Math.max(1, parseInt(ch, 36)); });
    } else {
      // written before the start, glossary and end pages: its pages are the lessons and quizzes
      var old = pages.length - data.extras;
      found.page = Math.min(parseInt(head[1], 36), old - 1) + data.offset;
      found.visited = pages.slice(0, data.offset).map(function () { return false; })
        .concat(readBits(head[2], old));
    }
    found.submitted = readBits(head[3], forms.length);
    var rest = text.slice(head[0].length);
    var pos = 0;
    function cut(why) { var e = new Error(why); e.cut = true; return e; }
    function take(n) {
      var s = rest.substr(pos, n);
      if (s.length !== n) { throw cut("it ends early"); }
      pos += n;
      return s;
    }
    function digit(n) {
      var d = parseInt(take(1), 36);
      if (!(d >= 0 && d < n)) { throw cut("a choice is out of range"); }
      return d;
    }
    function takeText() {
      if (version === "1") {
        var colon = rest.indexOf(":", pos);
        if (colon < 0 || !/^[0-9a-z]+$/.test(rest.slice(pos, colon))) { throw cut("a text field is damaged"); }
        var len = parseInt(rest.slice(pos, colon), 36);
        pos = colon + 1;
        var t = rest.substr(pos, len);
        pos += t.length;
        if (t.length < len) { found.answers.partial = t; throw cut("it ends inside a text"); }
        return t;
      }
      var out = "";
      while (pos < rest.length) {
        var ch = rest.charAt(pos);
        if (ch !== "~") { out += ch; pos += 1; continue; }
        var next = rest.charAt(pos + 1);
        pos += 2;
        if (next === ".") { return out; }
        out += next === "n" ? "\n" : next === "t" ? "\t" : next;
      }
      found.answers.partial = out;
      throw cut("it ends inside a text");
    }
    var i = 0;
    try {
      for (; i < data.questions.length; i += 1) {
        var q = data.questions[i];
        var a;
        if (rest.charAt(pos) === "-") {
          pos += 1;
          a = null;
        } else if (q.k === "single") {
          a = digit(q.w.length);
        } else if (q.k === "truefalse") {
          a = take(1);
          if (a !== "t" && a !== "f") { throw cut("a true/false answer is damaged"); }
        } else if (q.k === "multiple") {
          var hex = take(Math.max(1, Math.ceil(q.w.length / 4)));
          if (!/^[0-9a-f]+$/.test(hex)) { throw cut("a multiple-choice answer is damaged"); }
          a = readBits(hex, q.w.length);
        } else if (q.k === "matching") {
          a = take(q.c.length).split("").map(function (ch) {
            var d = parseInt(ch, 36);
            if (ch !== "_" && !(d >= 0 && d < q.c.length)) { throw cut("a matching answer is damaged"); }
            return ch === "_" ? null : d;
          });
        } else if (q.k === "numerical") {
          var u = digit(Math.max(1, q.u.length));
          a = { u: u, t: takeText() };
        } else {
          a = takeText();
        }
        found.answers[i] = a;
      }
      found.complete = pos === rest.length;
      if (!found.complete) { found.note = "it has more than this package wrote"; }
    } catch (e) {
      if (!e.cut) { throw e; }
      var partial = found.answers.partial;
      if (partial && data.questions[i].k !== "numerical") { found.answers[i] = partial; }
      found.note = e.message;
    }
    delete found.answers.partial;
    return found;
  }

  function restore(suspendData, location) {
    var at = parseInt(location, 10);
    if (/^[12]/.test(suspendData) && at >= 0) { at += data.offset; }   // counted from the first lesson
    if (at >= 0 && at < pages.length) { state.page = at; }
    if (!suspendData) { return; }
    var saved = decodeState(suspendData);
    if (!/^[123]/.test(suspendData)) {
      // a format this package does not know: the bookmark above is all that can be trusted
      console.warn("coursepack: saved progress not read (" + saved.note + "); resuming at the bookmark");
      return;
    }
    state.visited = saved.visited;
    state.submitted = saved.submitted;
    state.attempts = saved.attempts;
    state.answers = saved.answers;
    state.page = at >= 0 && at < pages.length ? at : saved.page;
    state.answers.forEach(function (a, i) { writeAnswer(i, a); });
    if (!saved.complete) {
      // keep what was read; the score the LMS has stays (it was computed from every answer)
      keepScore = true;
      console.warn("coursepack: saved progress only partly read (" + saved.note + "); kept what could be read");
    }
  }

  function saveProgress() {
    state.answers = data.questions.map(function (q, i) { return readAnswer(i); });
    if (!lms || !lms.write || terminated) { return; }
    set(ED.location, String(state.page));
    set("cmi.suspend_data", encodeState());
  }

  /* ---------------------------------------------------------------- status and score */

  function allVisited() {
    for (var i = 0; i < pages.length; i += 1) {
      if (data.pages[i].k === "l" && !state.visited[i]) { return false; }
    }
    return true;
  }

  function allSubmitted() {
    for (var z = 0; z < forms.length; z += 1) { if (!state.submitted[z]) { return false; } }
    return true;
  }

  function isComplete() {
    var req = data.require.length ? data.require : ["lessons"];
    return (req.indexOf("lessons") < 0 || allVisited()) && (req.indexOf("quiz") < 0 || allSubmitted());
  }

  /* Overall and per-outcome results over the submitted quizzes (auto-graded questions only). */
  function results() {
    var total = { earned: 0, max: 0 };
    var outcomes = data.objectives.map(function () { return { earned: 0, max: 0 }; });
    data.questions.forEach(function (q, i) {
      if (q.k === "essay" || !state.submitted[q.z]) { return; }
      var got = score(q, state.answers[i]).fraction * q.p;
      total.earned += got;
      total.max += q.p;
      q.o.forEach(function (o) { outcomes[o].earned += got; outcomes[o].max += q.p; });
    });
    return { total: total, outcomes: outcomes };
  }

  function percent(part) { return part.max > 0 ? part.earned / part.max * 100 : 100; }

  function passed(pct) { return pct + 1e-9 >= data.mastery; }

  function reportScore() {
    if (!lms || !lms.write || !lms.credit || !forms.length || !allSubmitted()) { return null; }
    if (keepScore) {
      var kept = parseFloat(get(ED.score + "raw"));
      if (!isNaN(kept)) { return kept; }   // the LMS has the score of the answers that were lost
    }
    var r = results();
    var pct = percent(r.total);
    var raw = Math.round(pct * 100) / 100;
    set(ED.score + "min", "0");
    set(ED.score + "max", "100");
    set(ED.score + "raw", formatDecimal(raw));
    if (ED.scaled) { set(ED.score + "scaled", formatDecimal(Math.round(raw * 100) / 10000)); }
    if (ED.success) { set(ED.success, passed(pct) ? "passed" : "failed"); }
    reportObjectives(r.outcomes);
    return pct;
  }

  function objectiveIndex(id) {
    if (lms.objectives === null) {
      lms.objectives = {};
      lms.objectiveCount = 0;
      if (ED.objectivesNeedChildren && !get("cmi.objectives._children")) {
        lms.objectives = false;
        return -1;
      }
      lms.objectiveCount = parseInt(get("cmi.objectives._count"), 10) || 0;
      for (var n = 0; n < lms.objectiveCount; n += 1) { lms.objectives[get("cmi.objectives." + n + ".id")] = n; }
    }
    if (lms.objectives === false) { return -1; }
    if (!lms.objectives.hasOwnProperty(id)) {
      lms.objectives[id] = lms.objectiveCount;
      lms.objectiveCount += 1;
      set("cmi.objectives." + lms.objectives[id] + ".id", id);
    }
    return lms.objectives[id];
  }

  function reportObjectives(outcomes) {
    outcomes.forEach(function (part, o) {
      if (!part.max) { return; }
      var n = objectiveIndex(data.objectives[o]);
      if (n < 0) { return; }
      var base = "cmi.objectives." + n + ".";
      var raw = Math.round(percent(part) * 100) / 100;
      set(base + "score.min", "0");
      set(base + "score.max", "100");
      set(base + "score.raw", formatDecimal(raw));
      if (ED.scaled) {
        set(base + "score.scaled", formatDecimal(Math.round(raw * 100) / 10000));
        set(base + "completion_status", "completed");
      }
      set(base + ED.objectiveStatus, passed(percent(part)) ? "passed" : "failed");
    });
  }

  function updateStatus() {
    if (!lms || !lms.write) { return; }
    var pct = reportScore();
    if (!lms.credit) { return; }
    if (isComplete()) {
      if (ED.success) {
        set(ED.completion, "completed");
      } else {
        set(ED.completion, pct === null ? "completed" : passed(pct) ? "passed" : "failed");
      }
      completedReported = true;
    }
    setExit();
  }

  /* Whether a numerical answer and its correct range fit the edition's numeric type as LMSs take it. */
  function numericFits(q, response) {
    if (!ED.numeric) { return true; }
    var values = [response === null ? "0" : response];
    q.cr.forEach(function (pattern) { values = values.concat(pattern.split("[:]")); });
    return values.every(function (v) { return v === "" || ED.numeric.test(v); });
  }

  function reportInteractions(z) {
    if (!lms || !lms.write || !lms.credit) { return; }
    if (lms.interactions === null) { lms.interactions = parseInt(get("cmi.interactions._count"), 10) || 0; }
    var now = Date.now();
    questionsOfQuiz[z].forEach(function (i) {
      var q = data.questions[i];
      var answer = state.answers[i];
      if (answer === null || answer === undefined || lms.interactions >= MAX_INTERACTIONS) { return; }
      var base = "cmi.interactions." + lms.interactions + ".";
      lms.interactions += 1;
      var fraction = score(q, answer).fraction;
      var response = learnerResponse(q, answer);
      set(base + "id", q.id);
      set(base + "type", q.k === "numerical" && !numericFits(q, response) ? "other" : ED.types[q.k]);
      q.o.forEach(function (o, k) { set(base + "objectives." + k + ".id", data.objectives[o]); });
      set(base + ED.timeField, formatNow(ED.timeFormat));
      q.cr.forEach(function (pattern, k) { set(base + "correct_responses." + k + ".pattern", pattern); });
      set(base + "weighting", q.k === "essay" ? "0" : formatDecimal(q.p));
      if (response !== null) { set(base + ED.learnerResponse, response); }
      set(base + "result", q.k === "essay" ? "neutral" : fraction >= 0.9999 ? "correct" : ED.wrong);
      var since = quizShownAt[z] || startedAt;
      set(base + "latency", formatSpan(Math.max(0, (changedAt[i] || now) - since), ED.latencyFormat));
    });
  }

  /* ---------------------------------------------------------------- attempts and order */

  function attemptOf(z) { return state.attempts[z] || 1; }

  function quizId(z) { return forms[z].closest("section.page").id.slice("page-".length); }

  /* A quiz's result is final once it reaches the pass mark or its attempts are used up. */
  function quizFinal(z) {
    return passed(percent(quizPoints(z))) || (data.attempts > 0 && attemptOf(z) >= data.attempts) ||
      attemptOf(z) >= MAX_ATTEMPT;
  }

  function canRetry(z) { return !!state.submitted[z] && !quizFinal(z); }

  /* Whether some quiz can be tried again or is in a later attempt not submitted yet. */
  function canRetryAny() {
    for (var z = 0; z < forms.length; z += 1) {
      if (canRetry(z) || (!state.submitted[z] && attemptOf(z) > 1)) { return true; }
    }
    return false;
  }

  /* 32-bit FNV-1a of the text, never 0 (the xorshift state below must not be 0). */
  function hashText(text) {
    var h = 0x811c9dc5;
    for (var i = 0; i < text.length; i += 1) {
      h ^= text.charCodeAt(i);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    return h || 1;
  }

  /* A permutation of 0..n-1: Fisher-Yates driven by xorshift32, seeded by the learner, the
     question or quiz id and the attempt, so the same learner sees the same order in an attempt
     (also after resuming) and another learner or attempt another one. */
  function permutation(n, key, z) {
    var order = [];
    for (var k = 0; k < n; k += 1) { order.push(k); }
    var x = hashText(learnerId + "\n" + key + "\n" + attemptOf(z));
    for (var i = n - 1; i > 0; i -= 1) {
      x ^= x << 13; x >>>= 0;
      x ^= x >>> 17;
      x ^= x << 5; x >>>= 0;
      var j = x % (i + 1);
      var t = order[i]; order[i] = order[j]; order[j] = t;
    }
    return order;
  }

  /* Puts quiz z's choices, drop-down options and (where the quiz shuffles) questions in this
     learner's order for the current attempt; only the order on screen changes. */
  function arrange(z) {
    var form = forms[z];
    questionsOfQuiz[z].forEach(function (i) {
      var q = data.questions[i];
      if (!q.sh) { return; }
      var box = controls(i);
      if (q.k === "matching") {
        var picks = permutation(q.r, q.id, z);
        Array.prototype.forEach.call(box.querySelectorAll(".matching select"), function (select) {
          var byValue = {};
          Array.prototype.forEach.call(select.options, function (o) { byValue[o.value] = o; });
          picks.forEach(function (k) { select.appendChild(byValue[String(k)]); });
        });
      } else {
        var group = box.querySelector(".choices");
        if (!group) { return; }
        var byChoice = {};
        Array.prototype.forEach.call(group.children, function (c) { byChoice[c.getAttribute("data-choice")] = c; });
        permutation(q.w.length, q.id, z).forEach(function (k) { group.appendChild(byChoice[String(k)]); });
      }
    });
    if (data.shuffle.indexOf(quizId(z)) < 0) { return; }
    var boxes = questionsOfQuiz[z].map(controls);
    var anchor = form.querySelector("[data-role=confirm]");
    permutation(boxes.length, quizId(z), z).forEach(function (k) { form.insertBefore(boxes[k], anchor); });
    Array.prototype.forEach.call(form.querySelectorAll(".question > h2"), function (h, n) {
      h.firstChild.nodeValue = L.question + " " + (n + 1) + " ";
    });
  }

  function renderAttempt(z) {
    var line = forms[z].querySelector("[data-role=attempt]");
    if (data.attempts === 1) { line.textContent = ""; return; }
    line.textContent = " · " + (data.attempts ? fill(L.attempt_of, { n: attemptOf(z), max: data.attempts }) :
      fill(L.attempt_n, { n: attemptOf(z) }));
  }

  /* Another attempt: the answers and results go, the order changes, and the hints of the
     questions that were not right open. */
  function retryQuiz(z) {
    if (!canRetry(z)) { return; }
    var form = forms[z];
    var missed = questionsOfQuiz[z].filter(function (i) {
      var q = data.questions[i];
      return q.k !== "essay" && score(q, state.answers[i]).fraction < 0.9999;
    });
    state.attempts[z] = Math.min(attemptOf(z) + 1, MAX_ATTEMPT);
    state.submitted[z] = false;
    form.reset();
    questionsOfQuiz[z].forEach(function (i) {
      var box = controls(i);
      state.answers[i] = null;
      box.classList.remove("is-correct", "is-partial", "is-incorrect", "is-unanswered", "is-neutral");
      setHidden(box, "[data-role=result], [data-role=general], .choice-feedback, .your-tag, .key-tag, " +
                ".answer-feedback, .match-key", true);
      Array.prototype.forEach.call(box.querySelectorAll(".is-chosen, .is-key, .is-right, .is-wrong"), function (el) {
        el.classList.remove("is-chosen", "is-key", "is-right", "is-wrong");
      });
      Array.prototype.forEach.call(box.querySelectorAll("input, select, textarea"), function (el) {
        el.disabled = false;
      });
      changedAt[i] = 0;
    });
    missed.forEach(function (i) {
      var hint = controls(i).querySelector("[data-role=hint]");
      if (hint) { hint.open = true; }
    });
    form.querySelector("[data-role=summary]").hidden = true;
    form.querySelector("[data-role=retry]").hidden = true;
    form.querySelector(".btn-submit").hidden = false;
    arrange(z);
    renderAttempt(z);
    quizShownAt[z] = Date.now();
    saveProgress();
    if (lms && lms.write) { setExit(); }
    commit();
    var first = form.querySelector(".question input, .question select, .question textarea");
    if (first) { first.focus(); }
  }

  /* ---------------------------------------------------------------- quiz display */

  function setHidden(root, selector, hidden) {
    Array.prototype.forEach.call(root.querySelectorAll(selector), function (el) { el.hidden = hidden; });
  }

  function showResults(z) {
    var form = forms[z];
    var final = quizFinal(z);
    questionsOfQuiz[z].forEach(function (i) {
      var q = data.questions[i];
      var box = controls(i);
      var answer = state.answers[i];
      var s = score(q, answer);
      var result = box.querySelector("[data-role=result]");
      var verdict;
      if (q.k === "essay") {
        verdict = answer === null ? "is-unanswered" : "is-neutral";
        result.textContent = answer === null ? L.not_answered : L.not_graded;
      } else {
        verdict = answer === null ? "is-unanswered" : s.fraction >= 0.9999 ? "is-correct" :
          s.fraction > 0 ? "is-partial" : "is-incorrect";
        var word = answer === null ? L.not_answered : s.fraction >= 0.9999 ? L.correct :
          s.fraction > 0 ? L.partially : L.incorrect;
        result.textContent = word + " · " + show(s.fraction * q.p) + "/" + show(q.p);
      }
      box.classList.add(verdict);
      result.hidden = false;
      setHidden(box, "[data-role=general]", false);
      if (q.k === "single" || q.k === "multiple" || q.k === "truefalse") {
        Array.prototype.forEach.call(box.querySelectorAll(".choice"), function (choice) {
          var input = choice.querySelector("input");
          if (input.checked) {
            choice.classList.add("is-chosen");
            setHidden(choice, ".choice-feedback, .your-tag", false);
          }
          if (final && (choice.hasAttribute("data-correct") || (q.k === "multiple" && q.w[Number(input.value)] > 0))) {
            choice.classList.add("is-key");
            setHidden(choice, ".key-tag", false);
          }
        });
      } else if (q.k === "matching") {
        q.c.forEach(function (c, left) {
          var row = box.querySelector("[data-left='" + left + "']");
          var ok = answer !== null && answer[left] === c;
          row.classList.add(ok ? "is-right" : "is-wrong");
          row.querySelector(".match-key").hidden = ok || !final;
        });
      } else if (s.pick !== null) {
        setHidden(box, "[data-answer='" + s.pick + "']", false);
      }
      Array.prototype.forEach.call(box.querySelectorAll("input, select, textarea"), function (el) {
        el.disabled = true;
      });
    });
    form.querySelector(".btn-submit").hidden = true;
    form.querySelector("[data-role=confirm]").hidden = true;
    var retry = form.querySelector("[data-role=retry]");
    retry.hidden = !canRetry(z);
    if (!retry.hidden) {
      var left = data.attempts ? data.attempts - attemptOf(z) : 0;
      retry.querySelector("[data-role=retry-text]").textContent = L.review_then_retry +
        (left ? " " + fill(left === 1 ? L.attempts_left_one : L.attempts_left_other, { n: left }) : "");
    }
    renderSummary(z);
    if (allSubmitted()) {
      forms.forEach(function (other, k) { if (k !== z) { renderSummary(k); } });
    }
  }

  function quizPoints(z) {
    var part = { earned: 0, max: 0 };
    questionsOfQuiz[z].forEach(function (i) {
      var q = data.questions[i];
      if (q.k === "essay") { return; }
      part.earned += score(q, state.answers[i]).fraction * q.p;
      part.max += q.p;
    });
    return part;
  }

  function renderSummary(z) {
    var part = quizPoints(z);
    var summary = forms[z].querySelector("[data-role=summary]");
    var lines = [fill(L.quiz_score, { score: show(percent(part)), earned: show(part.earned), max: show(part.max) })];
    var verdict = null;
    if (allSubmitted()) {
      var pct = percent(results().total);
      if (forms.length > 1) { lines.push(fill(L.overall_score, { score: show(pct) })); }
      verdict = passed(pct);
      lines.push((verdict ? L.passed : L.failed) + " — " + fill(L.pass_mark, { n: show(data.mastery) }));
    } else {
      lines.push(L.other_quizzes);
    }
    if (canRetry(z)) {
      lines.splice(1, 0, L.review_then_retry);
    } else if (data.attempts !== 1 && !passed(percent(part))) {
      lines.splice(1, 0, L.attempts_final);
    }
    summary.textContent = "";
    summary.classList.remove("is-passed", "is-failed");
    if (verdict !== null) { summary.classList.add(verdict ? "is-passed" : "is-failed"); }
    lines.forEach(function (line, n) {
      var p = document.createElement("p");
      if (n === lines.length - 1 && verdict !== null) { p.className = "verdict"; }
      p.textContent = line;
      summary.appendChild(p);
    });
    summary.hidden = false;
  }

  function unanswered(z) {
    return questionsOfQuiz[z].filter(function (i) { return readAnswer(i) === null; });
  }

  /* Before a submission with unanswered questions: say how many, and let the learner go back. */
  function askBeforeSubmitting(z) {
    var form = forms[z];
    var missing = unanswered(z);
    if (!missing.length) { return false; }
    var box = form.querySelector("[data-role=confirm]");
    box.querySelector("[data-role=confirm-text]").textContent =
      fill(missing.length === 1 ? L.unanswered_one : L.unanswered_other, { n: missing.length });
    box.hidden = false;
    form.querySelector(".btn-submit").hidden = true;
    box.querySelector("[data-action=confirm]").focus();
    return true;
  }

  function backToQuestions(z) {
    var form = forms[z];
    form.querySelector("[data-role=confirm]").hidden = true;
    form.querySelector(".btn-submit").hidden = false;
    var missing = unanswered(z);
    var boxes = Array.prototype.slice.call(form.querySelectorAll(".question"));
    var first = boxes.filter(function (box) { return missing.indexOf(Number(box.getAttribute("data-q"))) >= 0; })[0];
    var control = first && first.querySelector("input, select, textarea");
    if (control) { control.focus(); }
  }

  function submitQuiz(z) {
    if (state.submitted[z]) { return; }
    state.answers = data.questions.map(function (q, i) { return readAnswer(i); });
    state.submitted[z] = true;
    showResults(z);
    reportInteractions(z);
    saveProgress();
    updateStatus();
    commit();
    var summary = forms[z].querySelector("[data-role=summary]");
    summary.focus();
  }

  /* ---------------------------------------------------------------- the end page */

  function renderEnd() {
    var box = document.querySelector("[data-role=end]");
    if (!box) { return; }
    var lessons = 0;
    var opened = 0;
    data.pages.forEach(function (p, i) {
      if (p.k === "l") { lessons += 1; if (state.visited[i]) { opened += 1; } }
    });
    var lines = [[fill(L.end_lessons, { n: opened, total: lessons }), ""]];
    if (forms.length) {
      var done = state.submitted.filter(function (s, z) { return s && z < forms.length; }).length;
      lines.push([fill(L.end_quizzes, { n: done, total: forms.length }), ""]);
      if (allSubmitted()) {
        var pct = percent(results().total);
        lines.push([fill(L.overall_score, { score: show(pct) }), ""]);
        lines.push([(passed(pct) ? L.passed : L.failed) + " — " + fill(L.pass_mark, { n: show(data.mastery) }),
                    passed(pct) ? "is-passed" : "is-failed"]);
      } else {
        lines.push([L.other_quizzes, ""]);
      }
    }
    lines.push([isComplete() ? L.end_complete : L.end_incomplete, isComplete() ? "is-complete" : "is-incomplete"]);
    box.textContent = "";
    lines.forEach(function (line) {
      var p = document.createElement("p");
      p.textContent = line[0];
      if (line[1]) { p.className = line[1]; }
      box.appendChild(p);
    });
  }

  /* ---------------------------------------------------------------- navigation */

  function go(index, focus) {
    if (index < 0 || index >= pages.length) { return; }
    state.page = index;
    pages.forEach(function (page, i) { page.hidden = i !== index; });
    state.visited[index] = true;
    var q = data.pages[index];
    if (q.k === "q") {
      var z = forms.indexOf(pages[index].querySelector("form.quiz"));
      if (z >= 0 && !quizShownAt[z]) { quizShownAt[z] = Date.now(); }
    }
    Array.prototype.forEach.call(document.querySelectorAll(".toc a[data-go]"), function (a) {
      var n = Number(a.getAttribute("data-go"));
      if (n === index) { a.setAttribute("aria-current", "page"); } else { a.removeAttribute("aria-current"); }
      a.classList.toggle("is-visited", !!state.visited[n]);
    });
    document.getElementById("cp-progress").textContent = fill(L.page_of, { page: index + 1, pages: pages.length });
    if (q.k === "e") { renderEnd(); }
    if (focus) {
      window.scrollTo(0, 0);
      var heading = pages[index].querySelector("h1");
      heading.focus({ preventScroll: true });
    }
    saveProgress();
    updateStatus();
    commit();
  }

  function setUpToc() {
    var toggle = document.getElementById("cp-toc-toggle");
    var toc = document.getElementById("toc");
    toggle.hidden = false;
    toggle.addEventListener("click", function () {
      var open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      toc.classList.toggle("is-open", open);
    });
    document.addEventListener("click", function (event) {
      var link = event.target.closest ? event.target.closest("a[data-go]") : null;
      if (!link) { return; }
      event.preventDefault();
      if (toc.contains(link)) {
        toggle.setAttribute("aria-expanded", "false");
        toc.classList.remove("is-open");
      }
      go(Number(link.getAttribute("data-go")), true);
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && toc.classList.contains("is-open")) {
        toggle.setAttribute("aria-expanded", "false");
        toc.classList.remove("is-open");
        toggle.focus();
      }
    });
  }

  function setUpQuizzes() {
    forms.forEach(function (form, z) {
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        if (state.submitted[z] || !form.querySelector("[data-role=confirm]").hidden) { return; }
        if (!askBeforeSubmitting(z)) { submitQuiz(z); }
      });
      form.addEventListener("click", function (event) {
        var button = event.target.closest ? event.target.closest("button[data-action]") : null;
        if (!button) { return; }
        var action = button.getAttribute("data-action");
        if (action === "confirm") { submitQuiz(z); }
        if (action === "back") { backToQuestions(z); }
        if (action === "retry") { retryQuiz(z); }
      });
      form.addEventListener("change", function (event) {
        var box = event.target.closest(".question");
        if (box) { changedAt[Number(box.getAttribute("data-q"))] = Date.now(); }
        var confirmBox = form.querySelector("[data-role=confirm]");
        if (!confirmBox.hidden) {         // the count is out of date: ask again on the next submit
          confirmBox.hidden = true;
          form.querySelector(".btn-submit").hidden = false;
        }
        saveProgress();
      });
    });
  }

  /* ---------------------------------------------------------------- start */

  connect();
  setUpToc();
  setUpQuizzes();
  forms.forEach(function (form, z) {
    arrange(z);
    renderAttempt(z);
    if (state.submitted[z]) { showResults(z); }
  });
  go(state.page, false);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden" && !terminated) { saveProgress(); commit(); }
  });
  window.addEventListener("pagehide", terminate);
})();

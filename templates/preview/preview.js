/*
 * coursepack preview: the page that plays the LMS.
 *
 * - runs the SCO of the chosen edition in an iframe, with a scorm-again runtime
 *   (window.API for SCORM 1.2, window.API_1484_11 for SCORM 2004) in this page;
 * - keeps the learner's data of each edition and SCO in sessionStorage after every commit,
 *   and relaunches with entry=resume from it (after a rebuild, or with "Relaunch");
 * - shows the CMI data as the course writes it (the inspector);
 * - listens to /_preview/events (Server-Sent Events) and reloads the SCO after a rebuild,
 *   or shows the source's problems until they are fixed;
 * - the handbook tab shows one lesson as it prints; the question bank tab the Moodle XML
 *   questions with their correct answers.
 */
(function () {
  "use strict";

  var EDITIONS = {
    scorm12: {
      ctor: "Scorm12API", win: "API", label: "SCORM 1.2",
      methods: ["LMSInitialize", "LMSFinish", "LMSGetValue", "LMSSetValue", "LMSCommit",
                "LMSGetLastError", "LMSGetErrorString", "LMSGetDiagnostic"],
      commit: "LMSCommit", terminate: "LMSFinish", getLastError: "LMSGetLastError",
      entry: "cmi.core.entry", exit: "cmi.core.exit", mode: "cmi.core.lesson_mode",
      credit: "cmi.core.credit", status: "cmi.core.lesson_status", success: null,
      raw: "cmi.core.score.raw", max: "cmi.core.score.max", scaled: null,
      location: "cmi.core.lesson_location", session: "cmi.core.session_time",
      total: "cmi.core.total_time", response: "student_response", objectiveStatus: "status",
      defaults: { "cmi.core.student_id": "preview", "cmi.core.student_name": "Preview, Author",
                  "cmi.core.credit": "credit", "cmi.core.lesson_mode": "normal" }
    },
    scorm2004: {
      ctor: "Scorm2004API", win: "API_1484_11", label: "SCORM 2004",
      methods: ["Initialize", "Terminate", "GetValue", "SetValue", "Commit", "GetLastError",
                "GetErrorString", "GetDiagnostic"],
      commit: "Commit", terminate: "Terminate", getLastError: "GetLastError",
      entry: "cmi.entry", exit: "cmi.exit", mode: "cmi.mode", credit: "cmi.credit",
      status: "cmi.completion_status", success: "cmi.success_status",
      raw: "cmi.score.raw", max: "cmi.score.max", scaled: "cmi.score.scaled",
      location: "cmi.location", session: "cmi.session_time", total: "cmi.total_time",
      response: "learner_response", objectiveStatus: "success_status",
      defaults: { "cmi.learner_id": "preview", "cmi.learner_name": "Preview, Author",
                  "cmi.credit": "credit", "cmi.mode": "normal" }
    }
  };
  // Elements a launch never carries over from the last session: the LMS sets them anew.
  var SESSION_ONLY = /(^cmi\.(core\.)?(entry|exit|session_time)$)|\._(count|children|version)$/;

  var budget = Number(document.body.getAttribute("data-budget")) || 4096;
  var $ = function (id) { return document.getElementById(id); };
  var frame = $("cp-sco-frame");
  var server = null;                 // the last state the server sent
  var shownVersion = 0;              // build version of the SCO in the frame
  var launching = false;
  var pendingLaunch = null;
  var session = { edition: "scorm12", sco: "", api: null, calls: 0, failed: 0, launches: 0, loaded: false };
  var tab = "course";
  var pdfShown = "";
  var questionsShown = -1;

  /* ------------------------------------------------------------ stored learner data */

  function storageKey() { return "coursepack-preview|" + session.edition + "|" + session.sco; }

  function stored() {
    try { return JSON.parse(sessionStorage.getItem(storageKey()) || "null"); } catch (e) { return null; }
  }

  function store(api, key) {
    try { sessionStorage.setItem(key, JSON.stringify(api.getFlattenedCMI())); } catch (e) { /* full */ }
  }

  function forget() { sessionStorage.removeItem(storageKey()); }

  /* ------------------------------------------------------------ launching */

  // The API the SCO sees: scorm-again's, counting calls, saving the learner's data under the
  // key of this launch (edition and SCO) after each commit, redrawing the inspector.
  function facade(api, ed, key) {
    var wrapped = {};
    ed.methods.forEach(function (method) {
      wrapped[method] = function () {
        var result = api[method].apply(api, arguments);
        if (!/GetLastError|GetErrorString|GetDiagnostic/.test(method)) {
          session.calls += 1;
          if (String(api[ed.getLastError]()) !== "0") { session.failed += 1; }
        }
        if (method === ed.commit || method === ed.terminate) { store(api, key); }
        if (!/GetValue|GetLastError|GetErrorString|GetDiagnostic/.test(method)) { scheduleInspector(); }
        return result;
      };
    });
    return wrapped;
  }

  function launch(resume) {
    if (launching) { pendingLaunch = resume; return; }
    launching = true;
    // Unload the running SCO first: its pagehide handler saves the place and terminates.
    frame.addEventListener("load", function blank() {
      frame.removeEventListener("load", blank);
      start(resume);
      launching = false;
      if (pendingLaunch !== null) { var again = pendingLaunch; pendingLaunch = null; launch(again); }
    });
    frame.src = "about:blank";
  }

  function start(resume) {
    var ed = EDITIONS[session.edition];
    var last = resume ? stored() : null;
    if (!resume) { forget(); }
    var api = new window[ed.ctor]({ lmsCommitUrl: false, autocommit: false, logLevel: 5 });
    var cmi = {};
    Object.keys(ed.defaults).forEach(function (k) { cmi[k] = ed.defaults[k]; });
    if (last) {
      Object.keys(last).forEach(function (k) {
        var value = last[k];
        if (!SESSION_ONLY.test(k) && (typeof value === "string" || typeof value === "number") && value !== "") {
          cmi[k] = String(value);
        }
      });
      cmi[ed.entry] = "resume";       // what the button says, even after a finished attempt
    } else {
      cmi[ed.entry] = "ab-initio";
    }
    api.loadFromFlattenedJSON(cmi);
    delete window.API;
    delete window.API_1484_11;
    window[ed.win] = facade(api, ed, storageKey());
    session.api = api;
    session.calls = 0;
    session.failed = 0;
    shownVersion = server ? server.version : 0;
    session.launches += 1;
    session.loaded = false;
    frame.addEventListener("load", function loaded() {
      frame.removeEventListener("load", loaded);
      session.loaded = true;
    });
    frame.src = "/" + session.edition + "/" + session.sco + "?v=" + shownVersion;
    renderInspector();
  }

  /* ------------------------------------------------------------ the inspector */

  var inspectorQueued = false;
  function scheduleInspector() {
    if (inspectorQueued) { return; }
    inspectorQueued = true;
    window.setTimeout(function () { inspectorQueued = false; renderInspector(); }, 50);
  }

  function text(value) { return value === undefined || value === null ? "" : String(value); }

  function cell(row, value, className) {
    var td = document.createElement("td");
    td.textContent = text(value);
    if (className) { td.className = className; }
    row.appendChild(td);
  }

  function fact(list, term, value, className) {
    var dt = document.createElement("dt");
    dt.textContent = term;
    var dd = document.createElement("dd");
    dd.textContent = value === "" ? "—" : value;
    if (className) { dd.className = className; }
    list.appendChild(dt);
    list.appendChild(dd);
  }

  function statusClass(value) {
    if (/^(passed|completed)$/.test(value)) { return "good"; }
    if (/^(failed)$/.test(value)) { return "bad"; }
    return "";
  }

  function indexed(cmi, prefix) {
    var rows = [];
    Object.keys(cmi).forEach(function (key) {
      if (key.indexOf(prefix) !== 0) { return; }
      var rest = key.slice(prefix.length);
      var dot = rest.indexOf(".");
      var n = Number(rest.slice(0, dot));
      if (isNaN(n)) { return; }
      (rows[n] = rows[n] || {})[rest.slice(dot + 1)] = cmi[key];
    });
    return rows.filter(Boolean);
  }

  function renderInspector() {
    var ed = EDITIONS[session.edition];
    var cmi = session.api ? session.api.getFlattenedCMI() : {};
    var get = function (k) { return k ? text(cmi[k]) : ""; };
    $("cp-api-edition").textContent = "· " + ed.label + (session.sco ? " · " + session.sco : "");
    var facts = $("cp-facts");
    facts.textContent = "";
    var status = get(ed.status);
    fact(facts, ed.success ? "completion" : "lesson_status", status, statusClass(status));
    if (ed.success) { fact(facts, "success", get(ed.success), statusClass(get(ed.success))); }
    var score = get(ed.raw);
    if (score !== "" && get(ed.max) !== "") { score += " / " + get(ed.max); }
    if (ed.scaled && get(ed.scaled) !== "") { score += "  (scaled " + get(ed.scaled) + ")"; }
    fact(facts, "score", score, "score");
    fact(facts, "location", get(ed.location));
    fact(facts, "entry", get(ed.entry));
    fact(facts, "exit", get(ed.exit));
    fact(facts, "session", get(ed.session));
    var size = get("cmi.suspend_data").length;
    $("cp-suspend-size").textContent = size.toLocaleString("en") + " / " + budget.toLocaleString("en") +
      " characters (SCORM 1.2 limit)";
    var bar = $("cp-suspend-bar");
    bar.style.width = Math.min(100, size / budget * 100) + "%";
    bar.className = size > budget ? "over" : size > budget * 0.8 ? "near" : "";

    var body = $("cp-interactions").tBodies[0];
    body.textContent = "";
    var interactions = indexed(cmi, "cmi.interactions.");
    interactions.forEach(function (it) {
      var row = document.createElement("tr");
      cell(row, it.id);
      cell(row, it.type, "nowrap");
      cell(row, it.result, "nowrap " + (it.result === "correct" ? "good" : /wrong|incorrect/.test(text(it.result)) ? "bad" : ""));
      cell(row, it[ed.response]);
      cell(row, it["correct_responses.0.pattern"]);
      body.appendChild(row);
    });
    $("cp-interactions-count").textContent = "(" + interactions.length + ")";
    body = $("cp-objectives").tBodies[0];
    body.textContent = "";
    var objectives = indexed(cmi, "cmi.objectives.");
    objectives.forEach(function (o) {
      var row = document.createElement("tr");
      cell(row, o.id);
      cell(row, o[ed.objectiveStatus], "nowrap " + statusClass(text(o[ed.objectiveStatus])));
      cell(row, o["score.raw"]);
      body.appendChild(row);
    });
    $("cp-objectives-count").textContent = "(" + objectives.length + ")";
    $("cp-calls").textContent = session.calls + " calls this session" +
      (session.failed ? ", " + session.failed + " failed" : ", none failed");
  }

  /* ------------------------------------------------------------ server state */

  function setBuild(textValue, className) {
    var el = $("cp-build");
    el.textContent = textValue;
    el.className = "build " + (className || "");
  }

  function showProblems(state) {
    var list = $("cp-problem-list");
    list.textContent = "";
    state.problems.forEach(function (p) {
      var li = document.createElement("li");
      li.className = p.severity;
      li.textContent = p.text;
      list.appendChild(li);
    });
    $("cp-problem-summary").textContent = state.summary;
    $("cp-problems").hidden = false;
  }

  function scoList(state) {
    return (state.scos && state.scos[session.edition]) || [];
  }

  function fillScos(state) {
    var scos = scoList(state);
    var select = $("cp-sco");
    var before = select.value;
    select.textContent = "";
    scos.forEach(function (s) {
      var option = document.createElement("option");
      option.value = s.href;
      option.textContent = s.title;
      select.appendChild(option);
    });
    $("cp-sco-pick").hidden = scos.length < 2;
    var hrefs = scos.map(function (s) { return s.href; });
    session.sco = hrefs.indexOf(before) >= 0 ? before : hrefs.indexOf(session.sco) >= 0 ? session.sco : (hrefs[0] || "");
    select.value = session.sco;
  }

  function fillLessons(state) {
    var select = $("cp-lesson");
    var before = select.value;
    select.textContent = "";
    state.lessons.forEach(function (l) {
      var option = document.createElement("option");
      option.value = l.id;
      option.textContent = l.number + " " + l.title;
      select.appendChild(option);
    });
    var ids = state.lessons.map(function (l) { return l.id; });
    select.value = $("cp-follow").checked && state.editing ? state.editing : (ids.indexOf(before) >= 0 ? before : ids[0] || "");
  }

  function onState(state) {
    var previous = server;
    server = state;
    if (state.title) { $("cp-title").textContent = "· " + state.title; document.title = state.title + " · coursepack preview"; }
    if (state.building) {
      setBuild(previous && previous.version ? "rebuilding…" : "first build…", "busy");
      return;
    }
    var warnings = state.problems.filter(function (p) { return p.severity === "warning"; }).length;
    if (!state.ok) {
      setBuild("source has problems", "bad");
      showProblems(state);
      return;
    }
    $("cp-problems").hidden = true;
    setBuild("built in " + state.seconds.toFixed(1) + " s" + (warnings ? " · " + warnings + " warning(s)" : ""), "good");
    $("cp-build").title = warnings ? state.problems.map(function (p) { return p.text; }).join("\n") : "";
    fillScos(state);
    fillLessons(state);
    var rebuiltHere = state.rebuilt.indexOf(session.edition) >= 0;
    if (!session.api || (rebuiltHere && state.version > shownVersion)) {
      launch(true);
    }
    if (tab === "handbook") { showPdf(state.rebuilt.indexOf("handbook") >= 0); }
    if (tab === "questions" && state.rebuilt.indexOf("moodle") >= 0) { showQuestions(); }
  }

  function connect() {
    var events = new EventSource("/_preview/events");
    events.addEventListener("state", function (event) { onState(JSON.parse(event.data)); });
    events.addEventListener("error", function () {
      setBuild("disconnected: is coursepack preview still running?", "bad");
    });
  }

  /* ------------------------------------------------------------ handbook and questions */

  function showPdf(force) {
    var id = $("cp-lesson").value;
    if (!id || !server) { return; }
    var url = "/_preview/handbook/" + encodeURIComponent(id) + ".pdf?v=" + server.version;
    if (!force && pdfShown === id) { return; }
    pdfShown = id;
    $("cp-pdf-link").href = url;
    $("cp-pdf-status").textContent = "typesetting…";
    var pdf = $("cp-pdf");
    pdf.onload = function () { $("cp-pdf-status").textContent = ""; };
    pdf.src = url;
  }

  function answerItem(list, html, mark, note) {
    var li = document.createElement("li");
    if (mark) { li.className = "correct"; }
    var badge = document.createElement("span");
    badge.className = "mark";
    badge.textContent = mark ? "✓" : "✗";
    li.appendChild(badge);
    var span = document.createElement("span");
    span.innerHTML = html;
    li.appendChild(span);
    if (note) {
      var small = document.createElement("span");
      small.className = "muted";
      small.textContent = " " + note;
      li.appendChild(small);
    }
    list.appendChild(li);
  }

  function renderQuestions(questions) {
    var list = $("cp-questions");
    list.textContent = "";
    var category = null;
    questions.forEach(function (q) {
      if (q.category !== category) {
        category = q.category;
        var head = document.createElement("li");
        head.className = "category";
        head.textContent = category;
        list.appendChild(head);
      }
      var li = document.createElement("li");
      li.className = "question";
      var title = document.createElement("p");
      title.className = "q-head";
      title.textContent = q.id + " · " + q.type + " · " + Number(q.points) + " pt";
      title.title = "Moodle name: " + q.name;
      li.appendChild(title);
      var stem = document.createElement("div");
      stem.className = "stem";
      stem.innerHTML = q.stem;
      li.appendChild(stem);
      var answers = document.createElement("ul");
      answers.className = "answers";
      if (q.type === "matching") {
        q.pairs.forEach(function (p) {
          var span = document.createElement("span");
          span.textContent = p.right;
          answerItem(answers, p.left + " → " + span.innerHTML, true);
        });
      } else {
        q.answers.forEach(function (a) {
          var note = a.fraction > 0 && a.fraction < 100 ? "(" + a.fraction + " %)" : a.fraction < 0 ? "(" + a.fraction + " %)" : "";
          if (a.tolerance && Number(a.tolerance)) { note = "± " + a.tolerance + " " + note; }
          if (q.type === "numerical" && q.units.length) { note = (q.units[0].unit + " " + note).trim(); }
          answerItem(answers, a.html, a.fraction > 0, note);
        });
      }
      if (q.type === "essay") {
        answerItem(answers, q.grader || "<em>no grader notes</em>", true, "(grader information; not auto-graded)");
      }
      li.appendChild(answers);
      list.appendChild(li);
    });
    $("cp-questions-count").textContent = questions.length + " questions";
  }

  function showQuestions() {
    fetch("/_preview/questions", { cache: "no-store" }).then(function (r) { return r.json(); }).then(function (data) {
      questionsShown = data.version;
      renderQuestions(data.questions);
    });
  }

  /* ------------------------------------------------------------ controls */

  function selectTab(name) {
    tab = name;
    ["course", "handbook", "questions"].forEach(function (n) {
      var button = $("tab-" + n);
      button.setAttribute("aria-selected", String(n === name));
      button.tabIndex = n === name ? 0 : -1;
      $("view-" + n).hidden = n !== name;
    });
    if (name === "handbook") { showPdf(false); }
    if (name === "questions" && server && questionsShown !== server.version) { showQuestions(); }
  }

  function setUp() {
    Array.prototype.forEach.call(document.querySelectorAll("input[name=edition]"), function (radio) {
      radio.addEventListener("change", function () {
        if (!radio.checked) { return; }
        session.edition = radio.value;
        if (server && server.ok) { fillScos(server); launch(true); }
      });
    });
    $("cp-sco").addEventListener("change", function () {
      session.sco = $("cp-sco").value;
      launch(true);
    });
    $("cp-resume").addEventListener("click", function () { launch(true); });
    $("cp-reset").addEventListener("click", function () { launch(false); });
    $("cp-toggle-inspector").addEventListener("click", function () {
      var inspector = $("cp-inspector");
      inspector.hidden = !inspector.hidden;
      this.setAttribute("aria-expanded", String(!inspector.hidden));
    });
    $("cp-lesson").addEventListener("change", function () {
      $("cp-follow").checked = false;
      showPdf(true);
    });
    $("cp-follow").addEventListener("change", function () {
      if ($("cp-follow").checked && server) { fillLessons(server); showPdf(true); }
    });
    var tabs = ["course", "handbook", "questions"];
    tabs.forEach(function (n, i) {
      var button = $("tab-" + n);
      button.addEventListener("click", function () { selectTab(n); });
      button.addEventListener("keydown", function (event) {
        var step = event.key === "ArrowRight" ? 1 : event.key === "ArrowLeft" ? -1 : 0;
        if (!step) { return; }
        var next = tabs[(i + step + tabs.length) % tabs.length];
        selectTab(next);
        $("tab-" + next).focus();
      });
    });
    window.coursepackPreview = {
      cmi: function () { return session.api ? session.api.getFlattenedCMI() : {}; },
      session: function () {
        return { edition: session.edition, sco: session.sco, version: shownVersion,
                 launches: session.launches, loaded: session.loaded };
      },
      state: function () { return server; }
    };
    renderInspector();
    connect();
  }

  setUp();
})();

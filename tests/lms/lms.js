/*
 * Fake LMS: creates a scorm-again runtime (window.API for SCORM 1.2,
 * window.API_1484_11 for SCORM 2004), preloads CMI data, opens the SCO in an
 * iframe and records everything in window.lmsRecorder for the tests.
 * Like a real LMS it preloads a learner id/name, entry "ab-initio", credit
 * "credit" and mode "normal"; the "cmi" parameter overrides any of them.
 *
 *   lmsRecorder.calls      [{method, args, result, error, diagnostic?}]
 *   lmsRecorder.commits    [{method, cmi}]  CMI snapshot after each commit call
 *   lmsRecorder.log        [{level, message}] scorm-again's own log
 *   lmsRecorder.cmi()      full CMI as a JSON object (without the "cmi" wrapper)
 *   lmsRecorder.flatCmi()  CMI as {"cmi.core.lesson_status": "...", ...}
 *   lmsRecorder.state()    {initialized, terminated, initializeCount, terminateCount}
 *   lmsRecorder.scoLoaded  true once the SCO frame has fired "load"
 */
(function () {
  "use strict";

  var EDITIONS = {
    scorm12: {
      script: "scorm12.min.js",
      constructorName: "Scorm12API",
      windowName: "API",
      initialize: "LMSInitialize",
      terminate: "LMSFinish",
      commit: "LMSCommit",
      getLastError: "LMSGetLastError",
      getDiagnostic: "LMSGetDiagnostic",
      methods: ["LMSInitialize", "LMSFinish", "LMSGetValue", "LMSSetValue",
                "LMSCommit", "LMSGetLastError", "LMSGetErrorString", "LMSGetDiagnostic"],
      defaultCmi: {
        "cmi.core.student_id": "learner-1",
        "cmi.core.student_name": "Learner, Test",
        "cmi.core.entry": "ab-initio",
        "cmi.core.credit": "credit",
        "cmi.core.lesson_mode": "normal"
      }
    },
    scorm2004: {
      script: "scorm2004.min.js",
      constructorName: "Scorm2004API",
      windowName: "API_1484_11",
      initialize: "Initialize",
      terminate: "Terminate",
      commit: "Commit",
      getLastError: "GetLastError",
      getDiagnostic: "GetDiagnostic",
      methods: ["Initialize", "Terminate", "GetValue", "SetValue",
                "Commit", "GetLastError", "GetErrorString", "GetDiagnostic"],
      defaultCmi: {
        "cmi.learner_id": "learner-1",
        "cmi.learner_name": "Learner, Test",
        "cmi.entry": "ab-initio",
        "cmi.credit": "credit",
        "cmi.mode": "normal"
      }
    }
  };
  var SCORM_AGAIN_DIR = "../vendor/scorm-again/";

  var params = new URLSearchParams(window.location.search);
  var edition = EDITIONS[params.get("edition")];
  var scoUrl = params.get("sco");
  if (!edition || !scoUrl) {
    throw new Error("lms.html needs ?edition=scorm12|scorm2004&sco=URL");
  }
  var initialCmi = readJsonParam("cmi", window.LMS_INITIAL_CMI);
  var extraSettings = readJsonParam("settings", window.LMS_SETTINGS);

  var recorder = {
    edition: params.get("edition"),
    calls: [],
    commits: [],
    log: [],
    scoLoaded: false
  };
  window.lmsRecorder = recorder;

  loadScript(SCORM_AGAIN_DIR + edition.script, function () {
    var api = createRuntime();
    window[edition.windowName] = createRecordingFacade(api);
    recorder.cmi = function () { return api.renderCMIToJSONObject().cmi; };
    recorder.flatCmi = function () { return api.getFlattenedCMI(); };
    recorder.state = function () {
      return {
        initialized: api.isInitialized(),
        terminated: api.isTerminated(),
        initializeCount: countCalls(edition.initialize),
        terminateCount: countCalls(edition.terminate)
      };
    };
    openSco();
  });

  function readJsonParam(name, fallback) {
    var text = params.get(name);
    return text === null ? (fallback || {}) : JSON.parse(text);
  }

  function loadScript(src, onload) {
    var script = document.createElement("script");
    script.src = src;
    script.onload = onload;
    script.onerror = function () { throw new Error("cannot load " + src); };
    document.head.appendChild(script);
  }

  function createRuntime() {
    var settings = {
      // No lmsCommitUrl: commits succeed locally and send no request.
      lmsCommitUrl: false,
      autocommit: false,
      logLevel: 3,
      onLogMessage: function (level, message) {
        recorder.log.push({ level: level, message: String(message) });
      }
    };
    Object.keys(extraSettings).forEach(function (key) {
      settings[key] = extraSettings[key];
    });
    var api = new window[edition.constructorName](settings);
    var cmi = {};
    [edition.defaultCmi, initialCmi].forEach(function (source) {
      Object.keys(source).forEach(function (key) { cmi[key] = source[key]; });
    });
    api.loadFromFlattenedJSON(cmi);
    return api;
  }

  function createRecordingFacade(api) {
    var facade = {};
    edition.methods.forEach(function (method) {
      facade[method] = function () {
        var args = Array.prototype.slice.call(arguments);
        var result = api[method].apply(api, args);
        var entry = {
          method: method,
          args: args,
          result: result,
          error: String(api[edition.getLastError]())
        };
        if (entry.error !== "0") {
          entry.diagnostic = String(api[edition.getDiagnostic](entry.error));
        }
        recorder.calls.push(entry);
        if (method === edition.commit || method === edition.terminate) {
          recorder.commits.push({ method: method, cmi: api.renderCMIToJSONObject().cmi });
        }
        return result;
      };
    });
    return facade;
  }

  function countCalls(method) {
    return recorder.calls.filter(function (call) { return call.method === method; }).length;
  }

  function openSco() {
    var frame = document.createElement("iframe");
    frame.name = "sco";
    frame.id = "sco";
    frame.title = "Course content";
    frame.addEventListener("load", function () { recorder.scoLoaded = true; });
    frame.src = scoUrl;
    document.body.appendChild(frame);
  }
})();

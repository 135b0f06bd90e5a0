// The e-learning player: puts scorm-again's runtime API on this window (API for SCORM 1.2,
// API_1484_11 for SCORM 2004), where the SCO in the iframe finds it, then loads the SCO.
// Commits go to our server: synchronously on each Commit (as SCORM expects), every 10 seconds
// after a change (autocommit), and with sendBeacon when the SCO terminates while the page unloads.
// A commit that cannot reach the server is kept in the browser (offline support) and sent again
// when the connection comes back or the attempt is next opened; each carries a sequence number so
// the server ignores one older than what it already has.
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("elearning-config").textContent);
  var frame = document.getElementById("elearning-frame");
  var status = document.getElementById("elearning-status");
  var api = null;
  if (config.standard === "scorm12" || config.standard === "scorm2004") {
    var settings = {
      lmsCommitUrl: config.commitUrl,
      autocommit: true,
      autocommitSeconds: 10,
      dataCommitFormat: "json",
      includeCommitSequence: true,
      terminateCommitParam: "terminate",
      fetchMode: "same-origin",
      enableOfflineSupport: true,
      courseId: "attempt-" + config.attempt,
      syncOnInitialize: true,
      syncOnTerminate: true,
      maxSyncAttempts: 5,
      logLevel: 4,
      xhrResponseHandler: function (xhr) {
        answered = true;
        var body = {};
        try { body = JSON.parse(xhr.responseText); } catch (e) { body = {}; }
        var ok = xhr.status >= 200 && xhr.status < 300 && body.result === true;
        if (xhr.status === 0 || xhr.status >= 500) {
          connectionLost();
          status.textContent = "Your progress is being kept on this computer until the connection comes back.";
          return { result: ok, errorCode: 101 };
        }
        if (!ok && (xhr.status === 401 || (xhr.responseURL || "").indexOf("/sign-in/") !== -1)) {
          status.textContent = "You have been signed out, so your progress is not being saved. Sign in again in " +
            "another tab, then carry on here.";
        } else if (!ok) {
          status.textContent = body.error || "Your progress could not be saved just now. It will be sent again.";
        } else {
          status.textContent = "";
        }
        return { result: ok, errorCode: ok ? 0 : (body.errorCode || 101) };
      }
    };
    // A commit that did not reach the server: tell scorm-again we are offline (it then keeps
    // commits in the browser), commit again so the state that failed is kept, and look for the
    // server every few seconds; once it answers, scorm-again sends what it kept, in order.
    var probing = null, answered = false;
    var setOnline = function (online) {
      window.dispatchEvent(new CustomEvent("scorm-again:network-status", { detail: { online: online } }));
    };
    var connectionLost = function () {
      if (probing) { return; }
      setOnline(false);
      window.setTimeout(function () {
        if (config.standard === "scorm12") { api.LMSCommit(""); } else { api.Commit(""); }
      }, 0);
      probing = window.setInterval(function () {
        fetch(config.commitUrl, { method: "GET", credentials: "same-origin" }).then(function () {
          window.clearInterval(probing);
          probing = null;
          status.textContent = "";
          setOnline(true);
        }, function () { /* still unreachable */ });
      }, 3000);
    };
    if (config.standard === "scorm12") {
      api = window.API = new window.Scorm12API(settings);
    } else {
      api = window.API_1484_11 = new window.Scorm2004API(settings);
    }
    api.loadFromJSON(config.cmi);
    // scorm-again's synchronous commit reports a request that got no answer at all (the network
    // dropped) only as a failed Commit; the response handler above never ran for it.
    ["Commit", "LMSCommit"].forEach(function (name) {
      if (typeof api[name] !== "function") { return; }
      var commit = api[name].bind(api);
      api[name] = function (parameter) {
        answered = false;
        var result = commit(parameter);
        if (String(result) === "false" && !answered) {
          connectionLost();
          status.textContent = "Your progress is being kept on this computer until the connection comes back.";
        }
        return result;
      };
    });
    // The SCO normally suspends itself on unload; if it did not, suspend it here so the bookmark
    // and the time spent reach the server (scorm-again sends the terminate commit by sendBeacon).
    window.addEventListener("pagehide", function () {
      if (!api.isInitialized() || api.isTerminated()) { return; }
      if (config.standard === "scorm12") {
        api.LMSSetValue("cmi.core.exit", "suspend");
        api.LMSFinish("");
      } else {
        api.SetValue("cmi.exit", "suspend");
        api.Terminate("");
      }
    });
  }
  frame.src = frame.getAttribute("data-src");
})();

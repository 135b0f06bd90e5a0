"""A real, small e-learning module the project builds itself: Essential Digital Skills, "Spot scams
and phishing". Four pages and one scored question, a bookmark (location) and suspend data, written
as a SCORM 1.2, a SCORM 2004 4th Edition or a cmi5 package. Used by the tests and the demo; nothing
is downloaded at run time.

The SCO finds the runtime API the standard way (walking up window.parent to `API` for 1.2 or
`API_1484_11` for 2004) and commits on each page; on unload it suspends. The cmi5 AU reads its launch
parameters, fetches its token and talks xAPI to the endpoint it was given."""

import io
import zipfile

TITLE = "Spot scams and phishing"
CMI5_AU_IRI = "https://intranet.council.example/elearning/spot-scams/au"

PAGES = [
    ("Spot scams and phishing", "<p>Criminals send emails, texts and calls that pretend to come from people "
     "you trust, such as your bank, a supplier or a colleague. This short module shows you how to spot them.</p>"),
    ("The warning signs", "<ul><li>It is urgent: act now or lose something.</li><li>It asks for passwords, "
     "bank details or payment.</li><li>The sender's address does not match who they say they are.</li>"
     "<li>Links go somewhere unexpected when you hover over them.</li></ul>"),
    ("Check a message", ""),  # the question page
    ("What to do", "<p>Do not click links or open attachments you were not expecting. Report suspicious "
     "email with the Report button, and if you clicked something, tell the IT service desk straight away.</p>"),
]
QUESTION = "An email from “IT Support” says your mailbox is full and asks you to sign in through a link. What should you do?"
OPTIONS = [
    ("a", "Click the link and sign in quickly so you do not lose email"),
    ("b", "Report the email and do not click the link"),
    ("c", "Forward it to your team so they know"),
]
CORRECT = "b"

_STYLE = """body{font-family:Arial,sans-serif;margin:0;padding:20px;color:#0b0c0c;line-height:1.5}
h1{font-size:1.6em}button{font-size:1em;padding:8px 14px;margin:8px 8px 0 0;background:#00703c;color:#fff;
border:0;box-shadow:0 2px 0 #002d18;cursor:pointer}button:focus{outline:3px solid #fd0;}
fieldset{border:0;padding:0}label{display:block;margin:6px 0}.result{font-weight:bold}"""

_PAGE = """<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="utf-8"><title>{title}</title>
<link rel="stylesheet" href="style.css"></head>
<body><main><p id="progress"></p><div id="page"></div><div id="nav"></div></main>
<script src="content.js"></script><script src="{runtime}"></script></body></html>
"""

# Shared page logic: `rt` is the runtime adapter each standard's script defines before start().
_CONTENT_JS = r"""var PAGES = %(pages)s, QUESTION = %(question)s, OPTIONS = %(options)s, CORRECT = %(correct)s;
var state = {page: 0, answer: null}, rt = null, finished = false;
function el(id) { return document.getElementById(id); }
function show() {
  var p = PAGES[state.page];
  el("progress").textContent = "Page " + (state.page + 1) + " of " + PAGES.length;
  var html = "<h1>" + p[0] + "</h1>" + p[1];
  if (state.page === 2) {
    html += "<form id='q'><fieldset><legend>" + QUESTION + "</legend>";
    OPTIONS.forEach(function (o) {
      html += "<label><input type='radio' name='answer' value='" + o[0] + "'" +
        (state.answer === o[0] ? " checked" : "") + "> " + o[1] + "</label>";
    });
    html += "</fieldset></form>";
  }
  el("page").innerHTML = html;
  var nav = "";
  if (state.page > 0) nav += "<button type='button' id='back'>Back</button>";
  nav += state.page < PAGES.length - 1 ? "<button type='button' id='next'>Next</button>"
                                       : "<button type='button' id='finish'>Finish</button>";
  el("nav").innerHTML = nav;
  if (el("back")) el("back").onclick = function () { go(state.page - 1); };
  if (el("next")) el("next").onclick = function () { go(state.page + 1); };
  if (el("finish")) el("finish").onclick = finish;
}
function go(n) {
  var picked = document.querySelector("input[name=answer]:checked");
  if (picked) state.answer = picked.value;
  state.page = n;
  rt.save(String(state.page), JSON.stringify(state));
  show();
}
function finish() {
  var score = state.answer === CORRECT ? 100 : 0;
  finished = true;
  rt.finish(score, score >= 80);
  el("page").innerHTML = "<h1>Module finished</h1><p class='result'>Your score: " + score +
    "%%</p><p>You can close this module now.</p>";
  el("nav").innerHTML = "";
}
function start(resumed) {
  if (resumed) { try { state = JSON.parse(resumed); } catch (e) { state = {page: 0, answer: null}; } }
  show();
}
window.addEventListener("pagehide", function () { if (rt && !finished) rt.suspend(); });
"""

_SCORM12_JS = r"""function findAPI(w) { var n = 0; while (w && n < 10) { if (w.API) return w.API;
  if (w === w.parent) break; w = w.parent; n++; } return null; }
var api = findAPI(window);
rt = {
  save: function (loc, data) { api.LMSSetValue("cmi.core.lesson_location", loc);
    api.LMSSetValue("cmi.suspend_data", data);
    if (api.LMSGetValue("cmi.core.lesson_status") === "not attempted") api.LMSSetValue("cmi.core.lesson_status", "incomplete");
    api.LMSCommit(""); },
  finish: function (score, passed) { api.LMSSetValue("cmi.core.score.min", "0"); api.LMSSetValue("cmi.core.score.max", "100");
    api.LMSSetValue("cmi.core.score.raw", String(score));
    api.LMSSetValue("cmi.core.lesson_status", passed ? "passed" : "failed");
    api.LMSSetValue("cmi.core.exit", ""); api.LMSCommit(""); api.LMSFinish(""); },
  suspend: function () { api.LMSSetValue("cmi.core.exit", "suspend"); api.LMSFinish(""); }
};
api.LMSInitialize("");
start(api.LMSGetValue("cmi.core.entry") === "resume" ? api.LMSGetValue("cmi.suspend_data") : "");
"""

_SCORM2004_JS = r"""function findAPI(w) { var n = 0; while (w && n < 10) { if (w.API_1484_11) return w.API_1484_11;
  if (w === w.parent) break; w = w.parent; n++; } return null; }
var api = findAPI(window);
rt = {
  save: function (loc, data) { api.SetValue("cmi.location", loc); api.SetValue("cmi.suspend_data", data);
    api.SetValue("cmi.completion_status", "incomplete"); api.Commit(""); },
  finish: function (score, passed) { api.SetValue("cmi.score.min", "0"); api.SetValue("cmi.score.max", "100");
    api.SetValue("cmi.score.raw", String(score)); api.SetValue("cmi.score.scaled", String(score / 100));
    api.SetValue("cmi.completion_status", "completed"); api.SetValue("cmi.success_status", passed ? "passed" : "failed");
    api.SetValue("cmi.exit", "normal"); api.Commit(""); api.Terminate(""); },
  suspend: function () { api.SetValue("cmi.exit", "suspend"); api.Terminate(""); }
};
api.Initialize("");
start(api.GetValue("cmi.entry") === "resume" ? api.GetValue("cmi.suspend_data") : "");
"""

_CMI5_JS = r"""var q = new URLSearchParams(location.search), endpoint = q.get("endpoint").replace(/\/?$/, "/");
var actor = JSON.parse(q.get("actor")), registration = q.get("registration"), activityId = q.get("activityId");
var token = null, launchData = null;
function xapi(method, path, body) {
  var r = new XMLHttpRequest(); r.open(method, endpoint + path, false);
  r.setRequestHeader("Authorization", "Basic " + token);
  r.setRequestHeader("X-Experience-API-Version", "1.0.3");
  if (body !== undefined) r.setRequestHeader("Content-Type", "application/json");
  r.send(body === undefined ? null : JSON.stringify(body)); return r;
}
function uuid() { return "10000000-1000-4000-8000-100000000000".replace(/[018]/g, function (c) {
  return (c ^ crypto.getRandomValues(new Uint8Array(1))[0] & 15 >> c / 4).toString(16); }); }
function send(verb, result, leaving) {
  var ctx = JSON.parse(JSON.stringify(launchData.contextTemplate || {}));
  ctx.registration = registration;
  var st = {id: uuid(), actor: actor, verb: {id: "http://adlnet.gov/expapi/verbs/" + verb, display: {"en-GB": verb}},
            object: {id: activityId, objectType: "Activity"}, context: ctx, timestamp: new Date().toISOString()};
  if (result) st.result = result;
  if (leaving) {  // the page is going away: a synchronous request is not allowed now, keepalive is
    return fetch(endpoint + "statements", {method: "POST", keepalive: true, body: JSON.stringify([st]),
      headers: {"Authorization": "Basic " + token, "X-Experience-API-Version": "1.0.3",
                "Content-Type": "application/json"}});
  }
  return xapi("POST", "statements", [st]);
}
var stateParams = "activities/state?activityId=" + encodeURIComponent(activityId) + "&agent=" +
  encodeURIComponent(JSON.stringify(actor)) + "&registration=" + registration;
var f = new XMLHttpRequest(); f.open("POST", q.get("fetch"), false); f.send();
token = JSON.parse(f.responseText)["auth-token"];
launchData = JSON.parse(xapi("GET", stateParams + "&stateId=LMS.LaunchData").responseText);
send("initialized");
var saved = xapi("GET", stateParams + "&stateId=bookmark");
rt = {
  save: function (loc, data) { xapi("PUT", stateParams + "&stateId=bookmark", {location: loc, data: data}); },
  finish: function (score, passed) {
    send("completed", {completion: true, duration: "PT1M"});
    send(passed ? "passed" : "failed", {success: passed, score: {scaled: score / 100, raw: score, min: 0, max: 100}});
    send("terminated"); },
  suspend: function () { send("terminated", {duration: "PT1M"}, true); }
};
start(saved.status === 200 ? JSON.parse(saved.responseText).data : "");
"""


def _manifest_12() -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="spot-scams-12" version="1"
  xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2" xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2">
  <metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion></metadata>
  <organizations default="org"><organization identifier="org"><title>{TITLE}</title>
    <item identifier="item1" identifierref="sco1"><title>{TITLE}</title><adlcp:masteryscore>80</adlcp:masteryscore></item>
  </organization></organizations>
  <resources><resource identifier="sco1" type="webcontent" adlcp:scormtype="sco" href="index.html">
    <file href="index.html"/><file href="content.js"/><file href="scorm.js"/><file href="style.css"/>
  </resource></resources>
</manifest>
"""


def _manifest_2004() -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="spot-scams-2004" version="1" xmlns="http://www.imsglobal.org/xsd/imscp_v1p1"
  xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3" xmlns:imsss="http://www.imsglobal.org/xsd/imsss">
  <metadata><schema>ADL SCORM</schema><schemaversion>2004 4th Edition</schemaversion></metadata>
  <organizations default="org"><organization identifier="org"><title>{TITLE}</title>
    <item identifier="item1" identifierref="sco1"><title>{TITLE}</title>
      <imsss:sequencing><imsss:objectives><imsss:primaryObjective objectiveID="spot-scams" satisfiedByMeasure="true">
        <imsss:minNormalizedMeasure>0.8</imsss:minNormalizedMeasure></imsss:primaryObjective></imsss:objectives></imsss:sequencing>
    </item>
  </organization></organizations>
  <resources><resource identifier="sco1" type="webcontent" adlcp:scormType="sco" href="index.html">
    <file href="index.html"/><file href="content.js"/><file href="scorm.js"/><file href="style.css"/>
  </resource></resources>
</manifest>
"""


def _cmi5_xml() -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<courseStructure xmlns="https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd">
  <course id="https://intranet.council.example/elearning/spot-scams">
    <title><langstring lang="en-GB">{TITLE}</langstring></title>
    <description><langstring lang="en-GB">Essential Digital Skills</langstring></description>
  </course>
  <au id="{CMI5_AU_IRI}" moveOn="CompletedAndPassed" masteryScore="0.8" launchMethod="AnyWindow">
    <title><langstring lang="en-GB">{TITLE}</langstring></title>
    <description><langstring lang="en-GB">Spot scams and phishing</langstring></description>
    <url>index.html</url>
  </au>
</courseStructure>
"""


def sample_package(standard: str = "scorm2004") -> bytes:
    """The zip's bytes: standard is "scorm12", "scorm2004" or "cmi5"."""
    import json

    runtime = {"scorm12": _SCORM12_JS, "scorm2004": _SCORM2004_JS, "cmi5": _CMI5_JS}[standard]
    script = "scorm.js" if standard != "cmi5" else "cmi5.js"
    content = _CONTENT_JS % {"pages": json.dumps(PAGES), "question": json.dumps(QUESTION),
                             "options": json.dumps(OPTIONS), "correct": json.dumps(CORRECT)}
    files = {"index.html": _PAGE.format(title=TITLE, runtime=script), "content.js": content, script: runtime,
             "style.css": _STYLE}
    if standard == "scorm12":
        files["imsmanifest.xml"] = _manifest_12()
    elif standard == "scorm2004":
        files["imsmanifest.xml"] = _manifest_2004()
    else:
        files["cmi5.xml"] = _cmi5_xml()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()

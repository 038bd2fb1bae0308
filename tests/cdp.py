import base64, json, os, subprocess, sys, time

chrome, url, width, height, shot, dom, log, profile = sys.argv[1:9]
script = sys.argv[9] if len(sys.argv) > 9 else None
width, height = int(width), int(height)
c_in, p_out = os.pipe()
p_in, c_out = os.pipe()


def child():
    os.dup2(c_in, 3)
    os.dup2(c_out, 4)


proc = subprocess.Popen(
    [chrome, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
     "--disable-background-networking", "--disable-component-update",
     "--disable-sync", "--lang=en-US", "--user-data-dir=" + profile,
     "--remote-debugging-pipe", "about:blank"],
    pass_fds=(3, 4), preexec_fn=child, stdout=subprocess.DEVNULL,
    stderr=subprocess.DEVNULL)
os.close(c_in)
os.close(c_out)
wr = os.fdopen(p_out, "wb", buffering=0)
rd = os.fdopen(p_in, "rb", buffering=0)
buf = b""
events = []
next_id = 0
deadline = time.time() + 60


def recv():
    global buf
    while b"\0" not in buf:
        if time.time() > deadline:
            raise TimeoutError("no answer from chromium")
        chunk = rd.read(65536)
        if not chunk:
            raise EOFError("chromium closed the pipe")
        buf += chunk
    msg, buf = buf.split(b"\0", 1)
    return json.loads(msg)


def call(method, params=None, session=None):
    global next_id
    next_id += 1
    m = {"id": next_id, "method": method, "params": params or {}}
    if session:
        m["sessionId"] = session
    wr.write(json.dumps(m).encode() + b"\0")
    while True:
        r = recv()
        if r.get("id") == next_id:
            if "error" in r:
                raise RuntimeError("%s: %s" % (method, r["error"]))
            return r.get("result", {})
        events.append(r)


def problems():
    out = []
    for e in events:
        m, p = e.get("method"), e.get("params", {})
        if m == "Runtime.exceptionThrown":
            d = p.get("exceptionDetails", {})
            out.append("exception: %s %s" % (d.get("text", ""),
                       d.get("exception", {}).get("description", "")))
        elif m == "Runtime.consoleAPICalled" and p.get("type") in (
                "error", "assert", "warning"):
            out.append("console.%s: %s" % (p["type"], " ".join(
                str(a.get("value", a.get("description", "")))
                for a in p.get("args", []))))
        elif m == "Log.entryAdded" and p["entry"].get("level") in (
                "error", "warning"):
            en = p["entry"]
            out.append("log %s: %s %s" % (en["level"], en.get("text", ""),
                                           en.get("url", "")))
    return out


rc = 0
try:
    t = call("Target.createTarget", {"url": "about:blank"})
    s = call("Target.attachToTarget", {"targetId": t["targetId"],
                                       "flatten": True})["sessionId"]
    for m in ("Page.enable", "Runtime.enable", "Log.enable"):
        call(m, session=s)
    if os.environ.get("BROWSER_TZ"):
        call("Emulation.setTimezoneOverride",
             {"timezoneId": os.environ["BROWSER_TZ"]}, session=s)
    call("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": height, "deviceScaleFactor": 1,
        "mobile": width < 800}, session=s)
    call("Page.navigate", {"url": url}, session=s)
    for step in ("load", "script"):
        if step == "script":
            if not script:
                break
            r = call("Runtime.evaluate", {"expression": script,
                                           "awaitPromise": True}, session=s)
            if "exceptionDetails" in r:
                raise RuntimeError("script: %s" % r["exceptionDetails"])
        while time.time() < deadline:
            r = call("Runtime.evaluate", {"expression":
                     "(document.getElementById('page') || {dataset: {}})"
                     ".dataset.ready", "returnByValue": True}, session=s)
            if r.get("result", {}).get("value") == "1":
                break
            time.sleep(0.2)
    time.sleep(0.3)
    img = call("Page.captureScreenshot", {"format": "png"}, session=s)
    with open(shot, "wb") as f:
        f.write(base64.b64decode(img["data"]))
    r = call("Runtime.evaluate", {"expression":
             "document.documentElement.outerHTML", "returnByValue": True},
             session=s)
    with open(dom, "w", encoding="utf-8") as f:
        f.write(r["result"]["value"])
    with open(log, "w", encoding="utf-8") as f:
        for p in problems():
            f.write("CONSOLE " + p + "\n")
    try:
        call("Browser.close")
    except (EOFError, RuntimeError):
        pass
except (OSError, EOFError, TimeoutError, RuntimeError, KeyError) as e:
    print("cdp.py: %s" % e, file=sys.stderr)
    rc = 1
finally:
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
sys.exit(rc)

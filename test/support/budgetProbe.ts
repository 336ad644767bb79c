// A probe an agent starts in the guest to see its task's proxy refuse requests once the budget is
// used. The real CLI's own next request races the stop (the dispatch kills the CLI as soon as the
// limit is reached), so this probe, started by the agent before that, leaves the agent's process
// group (setsid) and asks the proxy every 0.2 s on one kept-alive connection through the task's
// reverse forward — a path the scripted model answers 404, so nothing it asks is counted — until
// an answer is not that 404. Its open connection holds the task's ssh (an ssh client waits for
// its open forwarded connections), and so the proxy, until it has that answer. It finds the base
// URL and the per-task token where the agent has them: in the environment of the agent user's own
// processes (the dispatch script exports them).

/**
 * Where the probe writes, a line each, every status it got ("404", …, "402"), then "answer: " and
 * the last answer, or "error: " and what went wrong.
 */
export const BUDGET_PROBE_FILE = "budget-probe.txt";
/** Where the test installs it in the guest. */
export const BUDGET_PROBE_PATH = "/usr/local/bin/nixlima-budget-probe";
/** Made by the probe once its connection is open and answered (the test removes it before a run). */
export const BUDGET_PROBE_STARTED = "budget-probe.started";
const STARTED = BUDGET_PROBE_STARTED;
/**
 * The shell command that starts it out of the agent's process group and returns once the probe's
 * connection is open (so the agent's next model request comes after that, and its hold on the
 * task's ssh is in place before the budget can be used). No rm in it: codex 0.171 refuses to run
 * a command with "rm -f", even with its sandbox and approvals bypassed.
 */
export const START_BUDGET_PROBE = `setsid -f ${BUDGET_PROBE_PATH} >> ~/${BUDGET_PROBE_FILE} 2>&1 < /dev/null; for _ in $(seq 600); do [ -e ~/${STARTED} ] && break; sleep 0.1; done; echo probe started`;

export const BUDGET_PROBE = String.raw`#!/usr/bin/python3
import http.client, os, time, urllib.parse

def task_env():
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/environ", "rb") as f:
                pairs = [v.split(b"=", 1) for v in f.read().split(b"\0") if b"=" in v]
        except OSError:
            continue
        env = {k.decode(): v.decode() for k, v in pairs}
        if env.get("OPENAI_BASE_URL") and env.get("OPENAI_API_KEY"):
            return env
    raise LookupError("no process of this user has the task's variables")

out = open(os.path.expanduser("~/${BUDGET_PROBE_FILE}"), "a", buffering=1)
try:
    env = task_env()
    base = urllib.parse.urlsplit(env["OPENAI_BASE_URL"])
    conn = http.client.HTTPConnection(base.hostname, base.port, timeout=30)
    headers = {"authorization": "Bearer " + env["OPENAI_API_KEY"], "content-type": "application/json"}
    for _ in range(1500):
        conn.request("POST", base.path + "/nixlima-probe", body="{}", headers=headers)
        answer = conn.getresponse()
        text = answer.read().decode()
        out.write(f"{answer.status}\n")
        open(os.path.expanduser("~/${STARTED}"), "w").close()
        if answer.status != 404:
            out.write(f"answer: {text}\n")
            break
        time.sleep(0.2)
except BaseException as err:
    out.write(f"error: {err!r}\n")
out.close()
`;

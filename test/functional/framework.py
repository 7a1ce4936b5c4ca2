"""Start and drive real satod processes for functional tests."""
import base64
import http.client
import json
import os
import signal
import socket
import subprocess
import time

BUILD = os.environ.get("SATO_BUILD", os.path.join(os.path.dirname(__file__), "..", "..", "build-test"))
SATOD = os.environ.get("SATOD", os.path.join(BUILD, "satod"))
SATO_CLI = os.environ.get("SATO_CLI", os.path.join(BUILD, "sato-cli"))


def wait_until(pred, timeout=60, what="condition", poll=0.05):
    """Polls pred until it holds; fails the test after timeout seconds."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if pred():
            return
        time.sleep(poll)
    raise AssertionError("timed out waiting for " + what)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Node:
    """One satod on regtest with its own data directory and RPC port."""

    def __init__(self, datadir, extra_args=(), conf=None, env=None):
        self.datadir = str(datadir)
        self.env = env  # extra environment variables, over the test's own
        self.rpcport = free_port()
        self.p2pport = free_port()
        self.extra_args = list(extra_args)
        self.proc = None
        self.port_on_cmdline = True
        if conf is not None:
            with open(os.path.join(self.datadir, "sato.conf"), "w") as f:
                f.write(conf)

    @property
    def chaindir(self):
        return os.path.join(self.datadir, "regtest")

    def args(self):
        port = ["-rpcport=%d" % self.rpcport, "-port=%d" % self.p2pport] if self.port_on_cmdline else []
        return [SATOD, "-regtest", "-datadir=" + self.datadir, "-printtoconsole=0",
                # As Core's framework: no DNS lookups unless a test asks.
                "-dnsseed=0"] + port + self.extra_args

    def start(self, wait=True):
        env = dict(os.environ, **self.env) if self.env else None
        self.proc = subprocess.Popen(self.args(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        if wait:
            self.wait_for_rpc()
        return self

    def wait_for_rpc(self, timeout=60, warmup=None):
        """Waits until the node answers calls, past Core's warm-up (-28).
        warmup, if a list, collects the warm-up messages seen."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                out, err = self.proc.communicate()
                raise RuntimeError("satod exited with %d: %s" % (self.proc.returncode, err.decode()))
            try:
                # Any HTTP answer (401 without credentials) means it serves.
                has_cookie = os.path.exists(self.cookie_path())
                status, body = self.post({"method": "uptime", "params": [], "id": 0},
                                         auth=None if has_cookie else "")
                if has_cookie or "-rpcuser" in " ".join(self.extra_args):
                    err = body.get("error") if isinstance(body, dict) else None
                    if err is not None and err.get("code") == -28:
                        if warmup is not None:
                            warmup.append(err["message"])
                        time.sleep(0.02)
                        continue
                    return
            except (ConnectionError, OSError):
                pass
            time.sleep(0.05)
        raise TimeoutError("satod RPC did not come up")

    def cookie_path(self):
        return os.path.join(self.chaindir, ".cookie")

    def auth(self):
        with open(self.cookie_path()) as f:
            return f.read().strip()

    def url(self):
        return "http://%s@127.0.0.1:%d" % (self.auth(), self.rpcport)

    def post(self, payload, auth=None, raw=None, method="POST", headers=None):
        """Sends one HTTP request; returns (status, parsed body or None)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.rpcport, timeout=30)
        body = raw if raw is not None else json.dumps(payload).encode()
        h = {"Content-Type": "application/json"}
        creds = auth if auth is not None else self.auth()
        if creds:
            h["Authorization"] = "Basic " + base64.b64encode(creds.encode()).decode()
        h.update(headers or {})
        conn.request(method, "/", body=body, headers=h)
        resp = conn.getresponse()
        data = resp.read()
        conn.close()
        parsed = None
        if data.strip():
            try:
                parsed = json.loads(data)
            except ValueError:
                parsed = data
        return resp.status, parsed

    def rpc(self, method, *params):
        status, body = self.post({"jsonrpc": "1.0", "id": 1, "method": method, "params": list(params)})
        if body["error"] is not None:
            raise RPCError(body["error"]["code"], body["error"]["message"])
        return body["result"]

    def cli(self, *args, stdin=None):
        cmd = [SATO_CLI, "-regtest", "-datadir=" + self.datadir, "-rpcport=%d" % self.rpcport] + list(args)
        return subprocess.run(cmd, input=stdin, capture_output=True, text=True, timeout=60)

    def stop(self, timeout=30):
        if self.proc is None or self.proc.poll() is not None:
            return self.proc.returncode if self.proc else None
        self.proc.send_signal(signal.SIGTERM)
        return self.wait(timeout)

    def wait(self, timeout=30):
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise
        return self.proc.returncode

    def rss_kib(self):
        """The process's resident set (VmRSS), in KiB."""
        with open("/proc/%d/status" % self.proc.pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        raise RuntimeError("no VmRSS")

    def kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


class RPCError(Exception):
    def __init__(self, code, message):
        super().__init__("%d: %s" % (code, message))
        self.code = code
        self.message = message

"""Starts a real `bale serve` on loopback for a test module and stops it.

Usage in a unittest module:
    from harness import Server
    SERVER = Server()            # started in setUpModule, stopped in tearDownModule
The binary comes from $BALE_BIN (set by meson), else build/tools/bale.
Standard library only: it runs under Debian's /usr/bin/python3 and the
image's python3 alike.
"""
import hashlib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time

ACCESS_KEY = "BALETESTKEY00000001"
SECRET_KEY = "bale/test/secret/key/0000000000000000000"
REGION = "us-east-1"
# The bale binary under test.
BALE = os.environ.get("BALE_BIN") or os.path.join(os.path.dirname(__file__), "..", "build", "tools", "bale")


def error_of(call, *args, **kwargs):
    """(code, HTTP status) of the botocore ClientError a call raises."""
    from botocore.exceptions import ClientError
    try:
        call(*args, **kwargs)
    except ClientError as e:
        return e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"]
    raise AssertionError("no error raised")


def wait_for(predicate, seconds):
    """Polls `predicate` every 0.2 s for up to `seconds`; its last answer."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return predicate()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, extra_args=(), volume_size="1GiB"):
        self.extra_args = list(extra_args)
        self.volume_size = volume_size
        self.proc = None
        self.data = None
        self.port = None

    @property
    def endpoint(self):
        return "http://127.0.0.1:%d" % self.port

    def env(self):
        """Environment for client processes (aws, s3cmd) talking to this server."""
        env = dict(os.environ)
        env.update({
            "AWS_ACCESS_KEY_ID": ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
            "AWS_DEFAULT_REGION": REGION,
            "AWS_EC2_METADATA_DISABLED": "true",
            # aws-cli v1 presigns with SigV2 unless told otherwise (AWS refuses
            # SigV2 for buckets created since 2020, and so does Bale).
            "AWS_CONFIG_FILE": self.aws_config(),
            "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
        })
        return env

    def client(self, access=ACCESS_KEY, secret=SECRET_KEY, endpoint=None, **config):
        """A boto3 S3 client for this server; `config` goes to botocore's Config
        (no retries unless asked, so every error reaches the test)."""
        import boto3
        from botocore.config import Config
        config.setdefault("retries", {"max_attempts": 1})
        return boto3.client("s3", endpoint_url=endpoint or self.endpoint, region_name=REGION,
                            aws_access_key_id=access, aws_secret_access_key=secret,
                            config=Config(**config))

    def admin(self, method, path, body=None, access=ACCESS_KEY, secret=SECRET_KEY):
        """(HTTP status, decoded JSON or None) of one SigV4-signed admin API call
        (docs/admin-api.md); `body` is a JSON-able value or raw bytes."""
        import json
        import urllib.error
        import urllib.request
        from botocore.auth import S3SigV4Auth
        from botocore.awsrequest import AWSRequest
        from botocore.credentials import Credentials
        url = self.endpoint + "/_bale/admin/v1/" + path
        data = b"" if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
        headers = {"Content-Type": "application/json"} if data else {}
        req = AWSRequest(method=method, url=url, data=data, headers=headers)
        S3SigV4Auth(Credentials(access, secret), "s3", REGION).add_auth(req)
        send = urllib.request.Request(url, data=data if method in ("PUT", "POST") else None, method=method,
                                      headers=dict(req.headers.items()))
        try:
            with urllib.request.urlopen(send, timeout=30) as resp:
                status, text = resp.status, resp.read()
        except urllib.error.HTTPError as e:
            status, text = e.code, e.read()
        return status, (json.loads(text) if text.strip() else None)

    def exists(self, bucket, key):
        """Whether HEAD finds `key` in `bucket`."""
        from botocore.exceptions import ClientError
        try:
            self.client().head_object(Bucket=bucket, Key=key)
            return True
        except ClientError:
            return False

    def request(self, method, path, body=b"", headers=None, sign=True, region=REGION, payload=None):
        """(status, headers with lowercase names, body text) of one raw request,
        SigV4-signed (for `region`, with x-amz-content-sha256 `payload` or the
        body's SHA-256) unless `sign` is false: every header and byte under the
        test's control. `path` is sent as given (quote it)."""
        import http.client
        from botocore.auth import S3SigV4Auth
        from botocore.awsrequest import AWSRequest
        from botocore.credentials import Credentials
        headers = dict(headers or {})
        if sign:
            req = AWSRequest(method=method, url=self.endpoint + path, data=body, headers=headers)

            class Signer(S3SigV4Auth):
                def payload(self, request):
                    return payload or hashlib.sha256(body).hexdigest()
            Signer(Credentials(ACCESS_KEY, SECRET_KEY), "s3", region).add_auth(req)
            headers = dict(req.headers.items())
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
            conn.putheader("Host", "127.0.0.1:%d" % self.port)
            for k, v in headers.items():
                if k.lower() != "host":
                    conn.putheader(k, v)
            if body or method in ("PUT", "POST"):
                conn.putheader("Content-Length", str(len(body)))
            conn.endheaders(body if body else None)
            resp = conn.getresponse()
            data = resp.read()
            return resp.status, {k.lower(): v for k, v in resp.getheaders()}, data.decode(errors="replace")
        finally:
            conn.close()

    def admin_ok(self, method, path, body=None, want=200):
        """The decoded answer of an admin call that must answer `want`."""
        status, doc = self.admin(method, path, body)
        assert status == want, (method, path, status, doc)
        return doc

    def aws_config(self):
        path = os.path.join(self.data, "aws-config")
        if not os.path.exists(path):
            with open(path, "w") as f:
                f.write("[default]\ns3 =\n    signature_version = s3v4\n")
        return path

    def start(self):
        self.data = tempfile.mkdtemp(prefix="bale-conformance-")
        self.port = free_port()
        env = dict(os.environ, BALE_ROOT_ACCESS_KEY=ACCESS_KEY, BALE_ROOT_SECRET_KEY=SECRET_KEY)
        self.log = open(os.path.join(self.data, "server.log"), "w")
        self.proc = subprocess.Popen(
            [BALE, "serve", "--data", os.path.join(self.data, "d"),
             "--listen", "127.0.0.1:%d" % self.port, "--volume-size", self.volume_size,
             "--log-level", os.environ.get("BALE_LOG_LEVEL", "info")] + self.extra_args,
            stdout=self.log, stderr=subprocess.STDOUT, env=env)
        deadline = time.time() + 20
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("bale serve exited with %s:\n%s" % (self.proc.returncode, self.read_log()))
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return self
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError("bale serve did not start listening in 20 s")

    def crash_and_restart(self):
        """kill -9, then start again on the same data directory and port."""
        self.proc.kill()
        self.proc.wait()
        env = dict(os.environ, BALE_ROOT_ACCESS_KEY=ACCESS_KEY, BALE_ROOT_SECRET_KEY=SECRET_KEY)
        self.proc = subprocess.Popen(self.proc.args, stdout=self.log, stderr=subprocess.STDOUT, env=env)
        deadline = time.time() + 20
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("bale serve did not restart (%s):\n%s" % (self.proc.returncode, self.read_log()))
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("bale serve did not listen again within 20 s")

    def read_log(self):
        with open(os.path.join(self.data, "server.log")) as f:
            return f.read()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                code = self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                raise RuntimeError("bale serve did not stop within 30 s of SIGTERM")
            if code != 0:
                raise RuntimeError("bale serve exited %d:\n%s" % (code, self.read_log()))
        if self.data:
            self.log.close()
            shutil.rmtree(self.data, ignore_errors=True)
            self.data = None

"""What the bench scripts share: a `bale serve` on a free loopback port with a
known root key and a boto3 client for it, and waiting for a port to listen."""
import os
import signal
import socket
import subprocess
import sys
import time

KEY, SECRET = "BENCHKEY0000000000001", "bench/secret/key/000000000000000000000000"
DEFAULT_BALE = os.path.join(os.path.dirname(__file__), "..", "..", "build", "tools", "bale")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_listening(port, proc, what):
    for _ in range(400):
        if proc.poll() is not None:
            sys.exit("%s exited early (%s)" % (what, proc.returncode))
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    sys.exit("%s did not start listening" % what)


class BaleServer:
    """`with BaleServer(bale, data_dir, extra_args) as b:` gives b.endpoint,
    b.s3 (a SigV4 boto3 client with the root key) and b.proc; SIGTERM at exit."""

    def __init__(self, bale, data_dir, extra_args=()):
        self.bale, self.data_dir, self.extra_args = bale, data_dir, list(extra_args)

    def __enter__(self):
        import boto3
        from botocore.config import Config
        port = free_port()
        self.proc = subprocess.Popen(
            [self.bale, "serve", "--data", self.data_dir, "--listen", "127.0.0.1:%d" % port,
             "--log-level", "warning"] + self.extra_args,
            env=dict(os.environ, BALE_ROOT_ACCESS_KEY=KEY, BALE_ROOT_SECRET_KEY=SECRET),
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_listening(port, self.proc, "bale serve")
        self.endpoint = "http://127.0.0.1:%d" % port
        self.s3 = boto3.client("s3", endpoint_url=self.endpoint, region_name="us-east-1",
                               aws_access_key_id=KEY, aws_secret_access_key=SECRET,
                               config=Config(signature_version="s3v4"))
        return self

    def __exit__(self, *exc):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=120)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        return False

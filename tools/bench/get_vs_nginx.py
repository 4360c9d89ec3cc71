#!/usr/bin/env python3
"""Prints 4 KiB GET throughput of Bale against nginx, same machine, same run.

Bale: `bale serve` on loopback, one 4 KiB object, GET through a presigned SigV4
URL (every request's signature is verified, keep-alive). nginx: the same 4 KiB
file served from page cache. Both driven by wrk with the same threads,
connections and duration. Needs: wrk, nginx (Debian packages), boto3.

usage: get_vs_nginx.py [--connections 64] [--seconds 10] [--threads 2] [--bale PATH]
"""
import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

import boto3
from botocore.config import Config

KEY, SECRET = "BENCHKEY0000000000001", "bench/secret/key/000000000000000000000000"


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


def wrk(url, threads, connections, seconds):
    out = subprocess.run(["wrk", "-t%d" % threads, "-c%d" % connections, "-d%ds" % seconds,
                          "--latency", url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[p99.group(2)]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rps, float(p99.group(1)) * scale, int(errors.group(1)) if errors else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--connections", type=int, default=64)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--size", type=int, default=4096)
    ap.add_argument("--bale", default=os.path.join(os.path.dirname(__file__), "..", "..", "build", "tools", "bale"))
    a = ap.parse_args()
    for tool in ("wrk", "nginx"):
        if not shutil.which(tool) and not os.path.exists("/usr/sbin/" + tool):
            sys.exit("needs %s (apt-get install %s)" % (tool, "nginx-light" if tool == "nginx" else tool))
    tmp = tempfile.mkdtemp(prefix="bale-bench-get-")
    body = os.urandom(a.size)
    procs = []
    try:
        bport = free_port()
        bale = subprocess.Popen([a.bale, "serve", "--data", os.path.join(tmp, "bale"), "--listen",
                                 "127.0.0.1:%d" % bport, "--log-level", "warning"] + (["--read-worker-threads", os.environ["BALE_READ_WORKERS"]] if os.environ.get("BALE_READ_WORKERS") else []),
                                env=dict(os.environ, BALE_ROOT_ACCESS_KEY=KEY, BALE_ROOT_SECRET_KEY=SECRET),
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        procs.append(bale)
        wait_listening(bport, bale, "bale serve")
        s3 = boto3.client("s3", endpoint_url="http://127.0.0.1:%d" % bport, region_name="us-east-1",
                          aws_access_key_id=KEY, aws_secret_access_key=SECRET,
                          config=Config(signature_version="s3v4"))
        s3.create_bucket(Bucket="bench")
        s3.put_object(Bucket="bench", Key="obj", Body=body)
        bale_url = s3.generate_presigned_url("get_object", Params={"Bucket": "bench", "Key": "obj"},
                                             ExpiresIn=3600)

        www = os.path.join(tmp, "www")
        os.makedirs(www)
        with open(os.path.join(www, "obj"), "wb") as f:
            f.write(body)
        nport = free_port()
        conf = os.path.join(tmp, "nginx.conf")
        with open(conf, "w") as f:
            f.write("daemon off; worker_processes auto; pid %s/nginx.pid; error_log %s/error.log;\n"
                    "events { worker_connections 1024; }\n"
                    "http { access_log off; sendfile on; keepalive_requests 1000000;\n"
                    "  client_body_temp_path %s; proxy_temp_path %s; fastcgi_temp_path %s;\n"
                    "  uwsgi_temp_path %s; scgi_temp_path %s;\n"
                    "  server { listen 127.0.0.1:%d; root %s; } }\n"
                    % (tmp, tmp, tmp, tmp, tmp, tmp, tmp, nport, www))
        nginx = subprocess.Popen(["/usr/sbin/nginx", "-c", conf, "-p", tmp],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        procs.append(nginx)
        wait_listening(nport, nginx, "nginx")
        nginx_url = "http://127.0.0.1:%d/obj" % nport

        print("GET of a %d-byte object, wrk -t%d -c%d -d%ds, keep-alive, loopback, %d CPUs"
              % (a.size, a.threads, a.connections, a.seconds, os.cpu_count()))
        wrk(bale_url, a.threads, a.connections, 2)  # warm-up
        wrk(nginx_url, a.threads, a.connections, 2)
        n_rps, n_p99, n_err = wrk(nginx_url, a.threads, a.connections, a.seconds)
        b_rps, b_p99, b_err = wrk(bale_url, a.threads, a.connections, a.seconds)
        print("  %-34s %10.0f req/s   p99 %7.2f ms   errors %d" % ("nginx (page cache, reference)", n_rps, n_p99, n_err))
        print("  %-34s %10.0f req/s   p99 %7.2f ms   errors %d" % ("bale serve (presigned SigV4)", b_rps, b_p99, b_err))
        print("  bale / nginx: %.2f" % (b_rps / n_rps))
    finally:
        for p in procs:
            p.send_signal(signal.SIGTERM)
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()

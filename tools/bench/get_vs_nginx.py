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
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from bench_server import DEFAULT_BALE, BaleServer, free_port, wait_listening  # noqa: E402

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
    ap.add_argument("--bale", default=DEFAULT_BALE)
    a = ap.parse_args()
    for tool in ("wrk", "nginx"):
        if not shutil.which(tool) and not os.path.exists("/usr/sbin/" + tool):
            sys.exit("needs %s (apt-get install %s)" % (tool, "nginx-light" if tool == "nginx" else tool))
    tmp = tempfile.mkdtemp(prefix="bale-bench-get-")
    body = os.urandom(a.size)
    procs = []
    try:
        read_workers = os.environ.get("BALE_READ_WORKERS")
        bale = BaleServer(a.bale, os.path.join(tmp, "bale"),
                          ["--read-worker-threads", read_workers] if read_workers else [])
        s3 = bale.__enter__().s3
        procs.append(bale.proc)
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

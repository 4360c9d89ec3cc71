"""The `bale` command line: help, flag parsing and refusals with exit codes,
and that the serve flags really take effect (--region, --store-listen)."""
import json
import os
import subprocess
import sys
import unittest
import urllib.request

import boto3

sys.path.insert(0, os.path.dirname(__file__))
from harness import ACCESS_KEY, BALE, SECRET_KEY, Server, free_port  # noqa: E402


def run(*args):
    p = subprocess.run([BALE] + list(args), capture_output=True, text=True, timeout=60)
    return p.returncode, p.stdout, p.stderr


class CliTest(unittest.TestCase):
    def test_help(self):
        code, out, _ = run("--help")
        self.assertEqual(code, 0)
        for cmd in ("serve", "store", "bench store"):
            self.assertIn(cmd, out)
        code, out, _ = run("serve", "--help")
        self.assertEqual(code, 0)
        flags = [line.split()[0] for line in out.splitlines() if line.startswith("  --")]
        self.assertEqual(flags, ["--data", "--listen", "--drives", "--volume-size", "--volumes", "--ec",
                                 "--ec-block-size", "--io-threads",
                                 "--worker-threads", "--log-level", "--read-worker-threads", "--region",
                                 "--domain", "--store-listen", "--compact-garbage-ratio", "--compact-min-garbage",
                                 "--compact-rate",
                                 "--compact-interval", "--upload-expiry", "--orphan-grace", "--orphan-interval", "--seal-idle", "--ec-rate",
                                 "--ec-interval", "--scrub-interval", "--scrub-rate"])
        code, out, _ = run("store", "--help")
        self.assertEqual(code, 0)
        self.assertNotIn("--region", out)
        code, out, _ = run("bench", "store", "--help")
        self.assertEqual(code, 0)
        self.assertIn("--index-needles", out)

    def test_refusals(self):
        code, _, err = run("serve", "--no-such-flag")
        self.assertEqual(code, 2)
        self.assertIn("unrecognised option '--no-such-flag'", err)
        code, _, err = run("serve", "--listen", "nonsense")
        self.assertEqual(code, 2)
        self.assertIn("--listen 'nonsense' is not HOST:PORT", err)
        code, _, err = run("serve", "--volume-size", "12parsecs")
        self.assertEqual(code, 2)
        self.assertIn("'12parsecs' is not a size", err)
        code, _, err = run("serve", "--log-level", "chatty")
        self.assertEqual(code, 2)
        for flag, value, message in [
                ("--upload-expiry", "3x", "--upload-expiry '3x' is not a duration like 90s, 30m, 24h or 7d"),
                ("--compact-interval", "0", "--compact-interval '0' is not a positive duration"),
                ("--compact-rate", "fast", "--compact-rate: "),
                ("--compact-garbage-ratio", "1.5", "--compact-garbage-ratio must be in (0, 1]")]:
            code, _, err = run("serve", flag, value)
            self.assertEqual(code, 2, flag)
            self.assertIn(message, err)
        code, _, err = run("frobnicate")
        self.assertEqual(code, 2)
        self.assertIn("unknown command 'frobnicate'", err)
        code, _, err = run()
        self.assertEqual(code, 2)

    def test_region_and_store_listen_take_effect(self):
        store_port = free_port()
        server = Server(extra_args=["--region", "eu-west-3", "--store-listen", "127.0.0.1:%d" % store_port])
        server.start()
        try:
            s3 = boto3.client("s3", endpoint_url=server.endpoint, region_name="eu-west-3",
                              aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY)
            s3.create_bucket(Bucket="regional", CreateBucketConfiguration={"LocationConstraint": "eu-west-3"})
            self.assertEqual(s3.get_bucket_location(Bucket="regional")["LocationConstraint"], "eu-west-3")
            with urllib.request.urlopen("http://127.0.0.1:%d/v1/status" % store_port) as r:
                volumes = json.load(r)["volumes"]
            self.assertEqual([v["id"] for v in volumes], [1, 2, 3, 4])
        finally:
            server.stop()


class GrowthTest(unittest.TestCase):
    def test_store_adds_volumes_when_the_writable_ones_are_full(self):
        store_port = free_port()
        server = Server(extra_args=["--volumes", "1", "--store-listen", "127.0.0.1:%d" % store_port],
                        volume_size="1MiB")
        server.start()
        try:
            s3 = boto3.client("s3", endpoint_url=server.endpoint, region_name="us-east-1",
                              aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY)
            s3.create_bucket(Bucket="growth")
            bodies = {"o%d" % i: os.urandom(400 << 10) for i in range(10)}
            for k, v in bodies.items():
                s3.put_object(Bucket="growth", Key=k, Body=v)
            for k, v in bodies.items():
                self.assertEqual(s3.get_object(Bucket="growth", Key=k)["Body"].read(), v)
            with urllib.request.urlopen("http://127.0.0.1:%d/v1/status" % store_port) as r:
                volumes = json.load(r)["volumes"]
            self.assertGreaterEqual(len(volumes), 4)  # 10 x 400 KiB in 1 MiB volumes
            self.assertTrue(all(v["file_bytes"] <= v["size_limit"] for v in volumes))
        finally:
            server.stop()


if __name__ == "__main__":
    unittest.main(verbosity=2)

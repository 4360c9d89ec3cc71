"""aws-cli against a live `bale serve`: Debian's aws-cli v2 (/usr/bin/aws) and
the image's aws-cli v1 (`aws` on PATH, 2025-style CRC trailers), each through
s3 mb/cp/ls/sync/rm/rb, s3api calls and presign + curl, with exact results."""
import filecmp
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from harness import Server  # noqa: E402

SERVER = Server()


def setUpModule():
    SERVER.start()


def tearDownModule():
    SERVER.stop()


def aws_binaries():
    found = []
    for path in ("/usr/bin/aws", shutil.which("aws")):
        if path and os.path.exists(path) and path not in [p for p, _ in found]:
            version = subprocess.run([path, "--version"], capture_output=True, text=True).stdout.strip()
            found.append((path, version))
    return found


class AwsCliTest(unittest.TestCase):
    def run_aws(self, aws, *args, check=True):
        p = subprocess.run([aws, "--endpoint-url", SERVER.endpoint] + list(args),
                           capture_output=True, text=True, env=SERVER.env(), timeout=120)
        if check and p.returncode != 0:
            self.fail("aws %s failed (%d): %s %s" % (" ".join(args), p.returncode, p.stdout, p.stderr))
        return p

    def test_each_cli(self):
        binaries = aws_binaries()
        self.assertTrue(binaries, "no aws binary found")
        for n, (aws, version) in enumerate(binaries):
            with self.subTest(aws=version):
                self.exercise(aws, "cli-%d" % n)

    def exercise(self, aws, bucket):
        tmp = tempfile.mkdtemp()
        try:
            self.assertIn("make_bucket: %s" % bucket, self.run_aws(aws, "s3", "mb", "s3://" + bucket).stdout)
            self.assertIn(bucket, self.run_aws(aws, "s3", "ls").stdout)
            src = os.path.join(tmp, "src")
            os.makedirs(os.path.join(src, "sub"))
            files = {"a.txt": b"alpha\n", "sub/b.bin": os.urandom(300000), "sub/c.txt": b"charlie\n"}
            for name, data in files.items():
                with open(os.path.join(src, name), "wb") as f:
                    f.write(data)
            # cp up and down, byte-exact
            self.run_aws(aws, "s3", "cp", os.path.join(src, "sub/b.bin"), "s3://%s/one/b.bin" % bucket)
            down = os.path.join(tmp, "b.down")
            self.run_aws(aws, "s3", "cp", "s3://%s/one/b.bin" % bucket, down)
            self.assertTrue(filecmp.cmp(down, os.path.join(src, "sub/b.bin"), shallow=False))
            ls = self.run_aws(aws, "s3", "ls", "s3://%s/one/" % bucket).stdout
            self.assertRegex(ls, r"\s300000 b\.bin\n")
            # over 8 MiB: multipart upload (parallel parts) and ranged download
            big = os.path.join(tmp, "big.bin")
            with open(big, "wb") as f:
                f.write(os.urandom(20 << 20))
            self.run_aws(aws, "s3", "cp", big, "s3://%s/big/big.bin" % bucket)
            big_down = os.path.join(tmp, "big.down")
            self.run_aws(aws, "s3", "cp", "s3://%s/big/big.bin" % bucket, big_down)
            self.assertTrue(filecmp.cmp(big_down, big, shallow=False))
            head = self.run_aws(aws, "s3api", "head-object", "--bucket", bucket,
                                "--key", "big/big.bin").stdout
            self.assertRegex(head, r'-\d+\\?"')
            self.run_aws(aws, "s3", "rm", "s3://%s/big/big.bin" % bucket)
            # sync uploads everything once, then only what changed
            out = self.run_aws(aws, "s3", "sync", src, "s3://%s/sync/" % bucket).stdout
            self.assertEqual(out.count("upload:"), 3)
            listing = self.run_aws(aws, "s3", "ls", "--recursive", "s3://%s/sync/" % bucket).stdout
            self.assertEqual(sorted(l.split()[-1] for l in listing.splitlines()),
                             ["sync/a.txt", "sync/sub/b.bin", "sync/sub/c.txt"])
            self.assertEqual(self.run_aws(aws, "s3", "sync", src, "s3://%s/sync/" % bucket).stdout.count("upload:"), 0)
            with open(os.path.join(src, "a.txt"), "wb") as f:
                f.write(b"alpha, longer now\n")
            out = self.run_aws(aws, "s3", "sync", src, "s3://%s/sync/" % bucket).stdout
            self.assertEqual(out.count("upload:"), 1)
            self.assertIn("sync/a.txt", out)
            back = os.path.join(tmp, "back")
            self.run_aws(aws, "s3", "sync", "s3://%s/sync/" % bucket, back)
            self.assertEqual(filecmp.dircmp(src, back).diff_files, [])
            self.assertTrue(filecmp.cmp(os.path.join(back, "sub/b.bin"), os.path.join(src, "sub/b.bin"), shallow=False))
            # s3api: head, ranged get, put with metadata
            head = self.run_aws(aws, "s3api", "head-object", "--bucket", bucket, "--key", "sync/sub/c.txt").stdout
            self.assertIn('"ContentLength": 8', head)
            rng = os.path.join(tmp, "range")
            self.run_aws(aws, "s3api", "get-object", "--bucket", bucket, "--key", "sync/sub/c.txt",
                         "--range", "bytes=0-3", rng)
            with open(rng, "rb") as f:
                self.assertEqual(f.read(), b"char")
            self.run_aws(aws, "s3api", "put-object", "--bucket", bucket, "--key", "m", "--body",
                         os.path.join(src, "a.txt"), "--metadata", "owner=ops")
            self.assertIn('"owner": "ops"', self.run_aws(aws, "s3api", "head-object", "--bucket", bucket, "--key", "m").stdout)
            missing = self.run_aws(aws, "s3api", "head-object", "--bucket", bucket, "--key", "nope", check=False)
            self.assertNotEqual(missing.returncode, 0)
            self.assertIn("Not Found", missing.stderr)
            # presign + curl
            url = self.run_aws(aws, "s3", "presign", "s3://%s/sync/a.txt" % bucket, "--expires-in", "60").stdout.strip()
            got = subprocess.run(["curl", "-sS", "-f", url], capture_output=True, timeout=30)
            self.assertEqual(got.returncode, 0, got.stderr)
            self.assertEqual(got.stdout, b"alpha, longer now\n")
            # rm and rb
            self.run_aws(aws, "s3", "rm", "--recursive", "s3://%s/" % bucket)
            self.assertEqual(self.run_aws(aws, "s3", "ls", "s3://%s/" % bucket).stdout, "")
            self.assertIn("remove_bucket: %s" % bucket, self.run_aws(aws, "s3", "rb", "s3://" + bucket).stdout)
            self.assertNotIn(bucket, self.run_aws(aws, "s3", "ls").stdout)
        finally:
            shutil.rmtree(tmp)


if __name__ == "__main__":
    unittest.main(verbosity=2)

"""s3cmd against a live `bale serve`: mb, put, ls, get, del, rb."""
import filecmp
import os
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from harness import ACCESS_KEY, SECRET_KEY, Server  # noqa: E402

SERVER = Server()


def setUpModule():
    SERVER.start()


def tearDownModule():
    SERVER.stop()


class S3cmdTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp()
        self.cfg = os.path.join(self.tmp, "s3cfg")
        host = "127.0.0.1:%d" % SERVER.port
        with open(self.cfg, "w") as f:
            f.write("[default]\naccess_key = %s\nsecret_key = %s\nhost_base = %s\nhost_bucket = %s\n"
                    "use_https = False\nsignature_v2 = False\nbucket_location = us-east-1\n"
                    % (ACCESS_KEY, SECRET_KEY, host, host))

    def s3cmd(self, *args):
        p = subprocess.run(["s3cmd", "-c", self.cfg] + list(args), capture_output=True, text=True, timeout=120)
        self.assertEqual(p.returncode, 0, "s3cmd %s: %s %s" % (" ".join(args), p.stdout, p.stderr))
        return p.stdout

    def test_round_trip(self):
        src = os.path.join(self.tmp, "photo.jpg")
        with open(src, "wb") as f:
            f.write(os.urandom(123456))
        self.s3cmd("mb", "s3://s3cmd-bucket")
        self.s3cmd("put", src, "s3://s3cmd-bucket/pics/photo.jpg")
        ls = self.s3cmd("ls", "s3://s3cmd-bucket/pics/")
        self.assertRegex(ls, r"\s123456\s+s3://s3cmd-bucket/pics/photo\.jpg")
        self.assertIn("DIR", self.s3cmd("ls", "s3://s3cmd-bucket"))
        dst = os.path.join(self.tmp, "copy.jpg")
        self.s3cmd("get", "s3://s3cmd-bucket/pics/photo.jpg", dst)
        self.assertTrue(filecmp.cmp(src, dst, shallow=False))
        self.s3cmd("del", "s3://s3cmd-bucket/pics/photo.jpg")
        self.assertEqual(self.s3cmd("ls", "s3://s3cmd-bucket/pics/").strip(), "")
        self.s3cmd("rb", "s3://s3cmd-bucket")
        self.assertNotIn("s3cmd-bucket", self.s3cmd("ls"))


if __name__ == "__main__":
    unittest.main(verbosity=2)

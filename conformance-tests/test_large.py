"""Large objects through real clients: aws-cli `s3 cp` of a 1 GiB file up
(multipart, parallel parts) and down (parallel ranged GETs) byte-exact; a
1 GiB single PUT streamed through the gateway with its memory bounded; a
client that disconnects in the middle of a part leaves no part behind and the
server serving."""
import filecmp
import os
import socket
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from harness import Server  # noqa: E402

SERVER = Server(volume_size="4GiB")
MIB = 1 << 20
GIB = 1 << 30


def setUpModule():
    SERVER.start()


def tearDownModule():
    SERVER.stop()


def write_test_file(path, size):
    """`size` bytes, every 8 MiB block different (its index leads it)."""
    base = os.urandom(8 * MIB)
    with open(path, "wb") as f:
        for i in range(size // (8 * MIB)):
            f.write(i.to_bytes(8, "big") + base[8:])


def peak_rss_mib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) // 1024
    raise AssertionError("no VmHWM")


class LargeObjectTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(dir=os.path.dirname(SERVER.data))
        cls.big = os.path.join(cls.tmp, "big.bin")
        write_test_file(cls.big, GIB)
        SERVER.client().create_bucket(Bucket="large")

    @classmethod
    def tearDownClass(cls):
        subprocess.run(["rm", "-rf", cls.tmp])

    def test_aws_cli_copies_1_gib_up_and_down_byte_exact(self):
        env = SERVER.env()
        up = subprocess.run(["/usr/bin/aws", "--endpoint-url", SERVER.endpoint, "s3", "cp", self.big,
                             "s3://large/big.bin"], capture_output=True, text=True, env=env, timeout=600)
        self.assertEqual(up.returncode, 0, up.stderr)
        head = SERVER.client().head_object(Bucket="large", Key="big.bin")
        self.assertEqual(head["ContentLength"], GIB)
        self.assertEqual(head["ETag"][-5:], '-128"')  # aws-cli's 8 MiB parts
        down = os.path.join(self.tmp, "big.down")
        got = subprocess.run(["/usr/bin/aws", "--endpoint-url", SERVER.endpoint, "s3", "cp", "s3://large/big.bin",
                              down], capture_output=True, text=True, env=env, timeout=600)
        self.assertEqual(got.returncode, 0, got.stderr)
        self.assertTrue(filecmp.cmp(down, self.big, shallow=False))
        os.unlink(down)

    def test_a_1_gib_single_put_streams_with_bounded_gateway_memory(self):
        s3 = SERVER.client(signature_version="s3v4")
        url = s3.generate_presigned_url("put_object", Params={"Bucket": "large", "Key": "single"}, ExpiresIn=600)
        curl = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-T", self.big, url],
                              capture_output=True, text=True, timeout=600)
        self.assertEqual(curl.stdout, "200")
        self.assertLess(peak_rss_mib(SERVER.proc.pid), 256)
        body = s3.get_object(Bucket="large", Key="single", Range="bytes=%d-%d" % (GIB - 8 * MIB, GIB - 1))["Body"].read()
        with open(self.big, "rb") as f:
            f.seek(GIB - 8 * MIB)
            self.assertEqual(body, f.read())

    def test_a_client_gone_mid_part_leaves_no_part(self):
        s3 = SERVER.client(signature_version="s3v4")
        up = s3.create_multipart_upload(Bucket="large", Key="cut")["UploadId"]
        url = s3.generate_presigned_url("upload_part", Params={"Bucket": "large", "Key": "cut", "UploadId": up,
                                                               "PartNumber": 1}, ExpiresIn=600)
        path = url[len(SERVER.endpoint):]
        with socket.create_connection(("127.0.0.1", SERVER.port)) as sock:
            sock.sendall(("PUT %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nContent-Length: %d\r\n\r\n"
                          % (path, SERVER.port, 20 * MIB)).encode())
            sock.sendall(b"p" * (12 * MIB))  # then the client goes away
        self.assertEqual(s3.list_parts(Bucket="large", Key="cut", UploadId=up).get("Parts", []), [])
        s3.upload_part(Bucket="large", Key="cut", UploadId=up, PartNumber=1, Body=b"q" * (5 * MIB))
        parts = s3.list_parts(Bucket="large", Key="cut", UploadId=up)["Parts"]
        self.assertEqual([(p["PartNumber"], p["Size"]) for p in parts], [(1, 5 * MIB)])
        s3.abort_multipart_upload(Bucket="large", Key="cut", UploadId=up)


if __name__ == "__main__":
    unittest.main(verbosity=2)

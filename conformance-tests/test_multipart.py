"""Multipart uploads through boto3 against a live `bale serve`: the
TransferManager's parallel upload, the low-level calls, part overwrite, and
S3's errors. Runs under Debian's boto3 1.26 (/usr/bin/python3) and the
image's boto3 (CRC32 checksums by default)."""
import hashlib
import os
import sys
import tempfile
import unittest

import boto3
import botocore
from boto3.s3.transfer import TransferConfig
from botocore.config import Config

sys.path.insert(0, os.path.dirname(__file__))
from harness import ACCESS_KEY, REGION, SECRET_KEY, Server, error_of  # noqa: E402

SERVER = Server()
MIB = 1 << 20


def setUpModule():
    SERVER.start()


def tearDownModule():
    SERVER.stop()


def multipart_etag(parts):
    digest = hashlib.md5(b"".join(hashlib.md5(p).digest() for p in parts)).hexdigest()
    return '"%s-%d"' % (digest, len(parts))


class MultipartTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.s3 = boto3.client(
            "s3", endpoint_url=SERVER.endpoint, region_name=REGION,
            aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY,
            config=Config(retries={"max_attempts": 1}))
        cls.bucket = "mpu-" + botocore.__version__.replace(".", "-")
        cls.s3.create_bucket(Bucket=cls.bucket)

    def create(self, key):
        return self.s3.create_multipart_upload(Bucket=self.bucket, Key=key)["UploadId"]

    def put_part(self, key, upload_id, number, data):
        return self.s3.upload_part(Bucket=self.bucket, Key=key, UploadId=upload_id,
                                   PartNumber=number, Body=data)["ETag"]

    def complete(self, key, upload_id, parts):
        return self.s3.complete_multipart_upload(
            Bucket=self.bucket, Key=key, UploadId=upload_id,
            MultipartUpload={"Parts": [{"PartNumber": n, "ETag": e} for n, e in parts]})

    def test_transfer_manager_parallel_upload(self):
        data = os.urandom(20 * MIB)
        with tempfile.TemporaryDirectory() as tmp:
            src, down = os.path.join(tmp, "src"), os.path.join(tmp, "down")
            with open(src, "wb") as f:
                f.write(data)
            config = TransferConfig(multipart_threshold=5 * MIB, multipart_chunksize=5 * MIB,
                                    max_concurrency=4)
            self.s3.upload_file(src, self.bucket, "big/file.bin", Config=config,
                                ExtraArgs={"ContentType": "application/x-test",
                                           "Metadata": {"color": "blue"}})
            head = self.s3.head_object(Bucket=self.bucket, Key="big/file.bin")
            self.assertEqual(head["ContentLength"], len(data))
            self.assertTrue(head["ETag"].endswith('-4"'), head["ETag"])
            self.assertEqual(head["ETag"], multipart_etag(
                [data[i:i + 5 * MIB] for i in range(0, len(data), 5 * MIB)]))
            self.assertEqual(head["ContentType"], "application/x-test")
            self.assertEqual(head["Metadata"], {"color": "blue"})
            self.s3.download_file(self.bucket, "big/file.bin", down, Config=config)
            with open(down, "rb") as f:
                self.assertEqual(hashlib.sha256(f.read()).digest(), hashlib.sha256(data).digest())
        ranged = self.s3.get_object(Bucket=self.bucket, Key="big/file.bin",
                                    Range="bytes=%d-%d" % (5 * MIB - 3, 5 * MIB + 2))
        self.assertEqual(ranged["Body"].read(), data[5 * MIB - 3:5 * MIB + 3])

    def test_low_level_calls_and_list_parts(self):
        key = "low/level"
        upload_id = self.create(key)
        parts = [os.urandom(5 * MIB), os.urandom(5 * MIB), b"tail bytes"]
        etags = [self.put_part(key, upload_id, n + 1, p) for n, p in enumerate(parts)]
        self.assertEqual(etags[2], '"%s"' % hashlib.md5(parts[2]).hexdigest())
        listed = self.s3.list_parts(Bucket=self.bucket, Key=key, UploadId=upload_id)
        self.assertEqual([(p["PartNumber"], p["ETag"], p["Size"]) for p in listed["Parts"]],
                         [(n + 1, etags[n], len(parts[n])) for n in range(3)])
        self.assertFalse(listed["IsTruncated"])
        page = self.s3.list_parts(Bucket=self.bucket, Key=key, UploadId=upload_id, MaxParts=2)
        self.assertEqual([p["PartNumber"] for p in page["Parts"]], [1, 2])
        self.assertTrue(page["IsTruncated"])
        self.assertEqual(page["NextPartNumberMarker"], 2)
        rest = self.s3.list_parts(Bucket=self.bucket, Key=key, UploadId=upload_id,
                                  PartNumberMarker=2)
        self.assertEqual([p["PartNumber"] for p in rest["Parts"]], [3])
        done = self.complete(key, upload_id, [(n + 1, e) for n, e in enumerate(etags)])
        self.assertEqual(done["ETag"], multipart_etag(parts))
        self.assertEqual(done["Key"], key)
        self.assertEqual(done["Bucket"], self.bucket)
        got = self.s3.get_object(Bucket=self.bucket, Key=key)
        self.assertEqual(got["Body"].read(), b"".join(parts))
        self.assertEqual(got["ETag"], multipart_etag(parts))
        self.assertEqual(error_of(self.s3.list_parts, Bucket=self.bucket, Key=key,
                                  UploadId=upload_id), ("NoSuchUpload", 404))

    def test_part_overwrite_and_unlisted_parts(self):
        key = "overwrite"
        upload_id = self.create(key)
        self.put_part(key, upload_id, 1, b"first version of part one")
        second = b"second" * (MIB)
        e1 = self.put_part(key, upload_id, 1, second)
        self.put_part(key, upload_id, 5, b"never listed")
        e2 = self.put_part(key, upload_id, 2, b"last")
        self.complete(key, upload_id, [(1, e1.strip('"')), (2, e2)])  # quotes optional
        self.assertEqual(self.s3.get_object(Bucket=self.bucket, Key=key)["Body"].read(),
                         second + b"last")

    def test_errors(self):
        key = "errors"
        upload_id = self.create(key)
        small = os.urandom(MIB)
        e1 = self.put_part(key, upload_id, 1, small)
        e2 = self.put_part(key, upload_id, 2, b"two")
        self.assertEqual(error_of(self.complete, key, upload_id, [(2, e2), (1, e1)]),
                         ("InvalidPartOrder", 400))
        self.assertEqual(error_of(self.complete, key, upload_id, [(1, e2)]),
                         ("InvalidPart", 400))
        self.assertEqual(error_of(self.complete, key, upload_id, [(1, e1), (3, e2)]),
                         ("InvalidPart", 400))
        self.assertEqual(error_of(self.complete, key, upload_id, [(1, e1), (2, e2)]),
                         ("EntityTooSmall", 400))
        self.assertEqual(error_of(self.s3.upload_part, Bucket=self.bucket, Key=key,
                                  UploadId=upload_id, PartNumber=10001, Body=b"x"),
                         ("InvalidArgument", 400))
        # a failed completion leaves the upload as it was
        self.assertEqual(len(self.s3.list_parts(Bucket=self.bucket, Key=key,
                                                UploadId=upload_id)["Parts"]), 2)
        bogus = "0" * 32
        self.assertEqual(error_of(self.complete, key, bogus, [(1, e1)]), ("NoSuchUpload", 404))
        self.assertEqual(error_of(self.s3.abort_multipart_upload, Bucket=self.bucket, Key=key,
                                  UploadId=bogus), ("NoSuchUpload", 404))
        self.assertEqual(error_of(self.put_part, key, bogus, 1, b"x"), ("NoSuchUpload", 404))
        self.assertEqual(error_of(self.put_part, "other-key", upload_id, 1, b"x"),
                         ("NoSuchUpload", 404))
        # abort, then the upload is gone
        self.s3.abort_multipart_upload(Bucket=self.bucket, Key=key, UploadId=upload_id)
        self.assertEqual(error_of(self.s3.list_parts, Bucket=self.bucket, Key=key,
                                  UploadId=upload_id), ("NoSuchUpload", 404))
        self.assertEqual(error_of(self.complete, key, upload_id, [(1, e1)]),
                         ("NoSuchUpload", 404))
        self.assertEqual(error_of(self.s3.head_object, Bucket=self.bucket, Key=key)[1], 404)


if __name__ == "__main__":
    unittest.main(verbosity=2)

"""Multipart uploads through boto3 against a live `bale serve`: the
TransferManager's parallel upload, the low-level calls, part overwrite,
ListMultipartUploads, UploadPartCopy, GetObject/HeadObject ?partNumber, and
S3's errors (test_multipart_checksums.py has the checksums and races). Runs
under Debian's boto3 1.26 (/usr/bin/python3) and the image's boto3 (CRC32
checksums by default)."""
import datetime
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
        # Completing again (a retry whose first answer was lost) is S3's 200 again...
        again = self.complete(key, upload_id, [(n + 1, e) for n, e in enumerate(etags)])
        self.assertEqual((again["ETag"], again["Key"]), (done["ETag"], key))
        self.assertEqual(self.s3.get_object(Bucket=self.bucket, Key=key)["Body"].read(), b"".join(parts))
        # ... while the object is still the one that upload made.
        self.s3.put_object(Bucket=self.bucket, Key=key, Body=b"replaced")
        self.assertEqual(error_of(self.complete, key, upload_id, [(1, etags[0])]), ("NoSuchUpload", 404))

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

    def test_list_multipart_uploads(self):
        s3, bucket = self.s3, "mpu-list-" + botocore.__version__.replace(".", "-")
        s3.create_bucket(Bucket=bucket)
        before = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(seconds=5)
        ids = {}
        for key in ["a/1", "b", "a/1", "c/d/e", "a/2", "sp ace+\u00e9"]:
            ids.setdefault(key, []).append(
                s3.create_multipart_upload(Bucket=bucket, Key=key)["UploadId"])
        order = [("a/1", ids["a/1"][0]), ("a/1", ids["a/1"][1]), ("a/2", ids["a/2"][0]),
                 ("b", ids["b"][0]), ("c/d/e", ids["c/d/e"][0]),
                 ("sp ace+\u00e9", ids["sp ace+\u00e9"][0])]

        def listed(page):
            return [(u["Key"], u["UploadId"]) for u in page.get("Uploads", [])]

        def prefixes(page):
            return [p["Prefix"] for p in page.get("CommonPrefixes", [])]

        full = s3.list_multipart_uploads(Bucket=bucket)
        self.assertEqual(listed(full), order)  # by key, then initiation
        self.assertEqual(full["MaxUploads"], 1000)
        self.assertFalse(full["IsTruncated"])
        self.assertEqual(full["Bucket"], bucket)
        first = full["Uploads"][0]
        self.assertEqual(first["StorageClass"], "STANDARD")
        self.assertEqual(first["Initiator"]["ID"], first["Owner"]["ID"])
        self.assertTrue(first["Owner"]["ID"])
        self.assertLess(before, first["Initiated"])
        self.assertLess(first["Initiated"], before + datetime.timedelta(minutes=5))

        self.assertEqual(listed(s3.list_multipart_uploads(Bucket=bucket, Prefix="a/")), order[:3])
        rolled = s3.list_multipart_uploads(Bucket=bucket, Delimiter="/")
        self.assertEqual(listed(rolled), [order[3], order[5]])
        self.assertEqual(prefixes(rolled), ["a/", "c/"])
        self.assertEqual(rolled["Delimiter"], "/")
        under = s3.list_multipart_uploads(Bucket=bucket, Delimiter="/", Prefix="c/")
        self.assertEqual(prefixes(under), ["c/d/"])
        self.assertEqual(listed(under), [])

        page = s3.list_multipart_uploads(Bucket=bucket, MaxUploads=2)
        self.assertEqual(listed(page), order[:2])
        self.assertTrue(page["IsTruncated"])
        self.assertEqual(page["MaxUploads"], 2)
        self.assertEqual((page["NextKeyMarker"], page["NextUploadIdMarker"]), order[1])
        rest = s3.list_multipart_uploads(Bucket=bucket, MaxUploads=2, KeyMarker="a/1",
                                         UploadIdMarker=ids["a/1"][0])
        self.assertEqual(listed(rest), order[1:3])
        self.assertEqual(rest["KeyMarker"], "a/1")
        self.assertEqual(rest["UploadIdMarker"], ids["a/1"][0])
        self.assertEqual(listed(s3.list_multipart_uploads(Bucket=bucket, KeyMarker="a/1")),
                         order[2:])
        # a common prefix ends a page like a key, and is not listed again
        cp = s3.list_multipart_uploads(Bucket=bucket, Delimiter="/", MaxUploads=1)
        self.assertEqual((prefixes(cp), cp["IsTruncated"], cp["NextKeyMarker"]), (["a/"], True, "a/"))
        cp2 = s3.list_multipart_uploads(Bucket=bucket, Delimiter="/", MaxUploads=1, KeyMarker="a/")
        self.assertEqual(listed(cp2), [order[3]])
        self.assertEqual(s3.list_multipart_uploads(Bucket=bucket, MaxUploads=5000)["MaxUploads"],
                         1000)

        encoded = s3.list_multipart_uploads(Bucket=bucket, EncodingType="url", Prefix="sp")
        self.assertEqual(encoded["EncodingType"], "url")
        self.assertEqual([u["Key"] for u in encoded["Uploads"]], ["sp%20ace%2B%C3%A9"])

        s3.abort_multipart_upload(Bucket=bucket, Key="b", UploadId=ids["b"][0])
        upload_id = ids["a/2"][0]
        etag = s3.upload_part(Bucket=bucket, Key="a/2", UploadId=upload_id, PartNumber=1,
                              Body=b"x")["ETag"]
        s3.complete_multipart_upload(Bucket=bucket, Key="a/2", UploadId=upload_id,
                                     MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": etag}]})
        self.assertEqual(listed(s3.list_multipart_uploads(Bucket=bucket)),
                         [order[0], order[1], order[4], order[5]])
        self.assertEqual(error_of(s3.list_multipart_uploads, Bucket="no-such-bucket-here"),
                         ("NoSuchBucket", 404))

    def test_upload_part_copy(self):
        s3, bucket = self.s3, self.bucket
        source = os.urandom(12 * MIB)
        s3.put_object(Bucket=bucket, Key="copy/source", Body=source)
        s3.put_object(Bucket=bucket, Key="copy/small", Body=b"small source")
        src = {"Bucket": bucket, "Key": "copy/source"}
        src_etag = '"%s"' % hashlib.md5(source).hexdigest()
        key = "copy/target"
        upload_id = self.create(key)

        def copy(number, **kwargs):
            return s3.upload_part_copy(Bucket=bucket, Key=key, UploadId=upload_id,
                                       PartNumber=number, **kwargs)

        first = copy(1, CopySource=src, CopySourceRange="bytes=0-%d" % (5 * MIB - 1))
        self.assertEqual(first["CopyPartResult"]["ETag"],
                         '"%s"' % hashlib.md5(source[:5 * MIB]).hexdigest())
        self.assertIsInstance(first["CopyPartResult"]["LastModified"], datetime.datetime)
        second = copy(2, CopySource=src, CopySourceRange="bytes=%d-%d" % (5 * MIB, 12 * MIB - 1))
        third = copy(3, CopySource={"Bucket": bucket, "Key": "copy/small"})  # no range: all
        self.assertEqual(third["CopyPartResult"]["ETag"],
                         '"%s"' % hashlib.md5(b"small source").hexdigest())

        # x-amz-copy-source-range: syntax and bounds are InvalidArgument
        for bad in ["bytes=5-", "bytes=10-5", "bytes=-5", "5-10", "bytes=a-b",
                    "bytes=0-%d" % (12 * MIB)]:
            self.assertEqual(error_of(copy, 4, CopySource=src, CopySourceRange=bad),
                             ("InvalidArgument", 400), bad)
        # x-amz-copy-source-if-*, with AWS's precedence
        past = datetime.datetime(2000, 1, 1, tzinfo=datetime.timezone.utc)
        future = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=1)
        rng = "bytes=0-9"
        self.assertEqual(error_of(copy, 4, CopySource=src, CopySourceRange=rng,
                                  CopySourceIfMatch='"0123"'), ("PreconditionFailed", 412))
        self.assertEqual(error_of(copy, 4, CopySource=src, CopySourceRange=rng,
                                  CopySourceIfNoneMatch=src_etag), ("PreconditionFailed", 412))
        self.assertEqual(error_of(copy, 4, CopySource=src, CopySourceRange=rng,
                                  CopySourceIfUnmodifiedSince=past), ("PreconditionFailed", 412))
        self.assertEqual(error_of(copy, 4, CopySource=src, CopySourceRange=rng,
                                  CopySourceIfModifiedSince=future), ("PreconditionFailed", 412))
        copy(4, CopySource=src, CopySourceRange=rng, CopySourceIfMatch=src_etag,
             CopySourceIfUnmodifiedSince=past)  # a matching if-match wins
        copy(4, CopySource=src, CopySourceRange=rng, CopySourceIfNoneMatch='"0123"',
             CopySourceIfModifiedSince=future)  # a non-matching if-none-match wins
        self.assertEqual(error_of(copy, 4, CopySource={"Bucket": bucket, "Key": "copy/none"}),
                         ("NoSuchKey", 404))
        self.assertEqual(error_of(s3.upload_part_copy, Bucket=bucket, Key=key, UploadId="0" * 32,
                                  PartNumber=1, CopySource=src), ("NoSuchUpload", 404))

        parts = self.s3.list_parts(Bucket=bucket, Key=key, UploadId=upload_id)["Parts"]
        self.assertEqual([(p["PartNumber"], p["Size"]) for p in parts],
                         [(1, 5 * MIB), (2, 7 * MIB), (3, 12), (4, 10)])
        done = self.complete(key, upload_id, [(1, first["CopyPartResult"]["ETag"]),
                                              (2, second["CopyPartResult"]["ETag"]),
                                              (3, third["CopyPartResult"]["ETag"])])
        self.assertEqual(done["ETag"], multipart_etag([source[:5 * MIB], source[5 * MIB:],
                                                       b"small source"]))
        got = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
        self.assertEqual(got, source + b"small source")

    def test_get_and_head_part_number(self):
        s3, bucket, key = self.s3, self.bucket, "parts/numbered"
        parts = [os.urandom(5 * MIB), os.urandom(5 * MIB + 7), b"last part"]
        upload_id = self.create(key)
        etags = [self.put_part(key, upload_id, n + 1, p) for n, p in enumerate(parts)]
        self.complete(key, upload_id, [(n + 1, e) for n, e in enumerate(etags)])
        whole = b"".join(parts)
        first = 0
        for n, part in enumerate(parts, 1):
            content_range = "bytes %d-%d/%d" % (first, first + len(part) - 1, len(whole))
            got = s3.get_object(Bucket=bucket, Key=key, PartNumber=n)
            self.assertEqual(got["ResponseMetadata"]["HTTPStatusCode"], 206)
            self.assertEqual(got["Body"].read(), part)
            self.assertEqual(got["ContentLength"], len(part))
            self.assertEqual(got["ContentRange"], content_range)
            self.assertEqual(got["PartsCount"], 3)
            self.assertEqual(got["ETag"], multipart_etag(parts))
            head = s3.head_object(Bucket=bucket, Key=key, PartNumber=n)
            self.assertEqual(head["ResponseMetadata"]["HTTPStatusCode"], 206)
            # (boto3 1.26's HeadObject has no ContentRange: read the header)
            self.assertEqual((head["ContentLength"], head["PartsCount"],
                              head["ResponseMetadata"]["HTTPHeaders"]["content-range"]),
                             (len(part), 3, content_range))
            first += len(part)
        self.assertNotIn("PartsCount", s3.head_object(Bucket=bucket, Key=key))
        self.assertEqual(error_of(s3.get_object, Bucket=bucket, Key=key, PartNumber=4),
                         ("InvalidPartNumber", 416))
        self.assertEqual(error_of(s3.head_object, Bucket=bucket, Key=key, PartNumber=4),
                         ("416", 416))
        for bad in (0, 10001):
            self.assertEqual(error_of(s3.get_object, Bucket=bucket, Key=key, PartNumber=bad),
                             ("InvalidArgument", 400))
        self.assertEqual(error_of(s3.get_object, Bucket=bucket, Key=key, PartNumber=1,
                                  Range="bytes=0-1"), ("InvalidRequest", 400))

        s3.put_object(Bucket=bucket, Key="parts/simple", Body=b"not multipart")
        got = s3.get_object(Bucket=bucket, Key="parts/simple", PartNumber=1)
        self.assertEqual(got["Body"].read(), b"not multipart")
        self.assertEqual(got["ContentRange"], "bytes 0-12/13")
        self.assertNotIn("PartsCount", got)
        self.assertEqual(error_of(s3.get_object, Bucket=bucket, Key="parts/simple", PartNumber=2),
                         ("InvalidPartNumber", 416))
        self.assertEqual(error_of(s3.head_object, Bucket=bucket, Key="parts/simple", PartNumber=2),
                         ("416", 416))

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
        self.assertEqual(error_of(self.complete, key, upload_id, [(1, e1), (1, e1), (2, e2)]),
                         ("InvalidPartOrder", 400))  # a part listed twice
        for number in (0, 10001):
            self.assertEqual(error_of(self.s3.upload_part, Bucket=self.bucket, Key=key,
                                      UploadId=upload_id, PartNumber=number, Body=b"x"),
                             ("InvalidArgument", 400))
            self.assertEqual(error_of(self.complete, key, upload_id, [(1, e1), (number, e2)]),
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

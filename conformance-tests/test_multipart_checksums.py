"""Multipart checksums, Complete racing Abort, and a 40 MiB TransferManager
round trip, through boto3 against a live `bale serve`. Runs under Debian's
boto3 1.26 (/usr/bin/python3) and the image's boto3 1.43 (CRC32 by default).

AWS's multipart checksums: with x-amz-checksum-algorithm CRC32, CRC32C, SHA1
or SHA256 the object's checksum is COMPOSITE: the digest of the parts' raw
digests concatenated, base64, then "-N"; CRC64NVME is FULL_OBJECT: the CRC
of the whole object."""
import base64
import hashlib
import os
import sys
import tempfile
import threading
import unittest
import zlib

import botocore
from boto3.s3.transfer import TransferConfig

sys.path.insert(0, os.path.dirname(__file__))
from harness import Server, error_of  # noqa: E402

SERVER = Server()
MIB = 1 << 20
NEW_BOTO = tuple(int(x) for x in botocore.__version__.split(".")[:2]) >= (1, 36)


def setUpModule():
    SERVER.start()


def tearDownModule():
    SERVER.stop()


def reflected_crc(poly, width):
    table = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ poly if c & 1 else c >> 1
        table.append(c)
    mask = (1 << width) - 1

    def crc(data):
        c = mask
        for b in data:
            c = table[(c ^ b) & 0xFF] ^ (c >> 8)
        return (c ^ mask).to_bytes(width // 8, "big")
    return crc


crc32c = reflected_crc(0x82F63B78, 32)
crc64nvme = reflected_crc(0x9A6C9329AC4BC9B5, 64)
DIGESTS = {
    "CRC32": lambda d: zlib.crc32(d).to_bytes(4, "big"),
    "CRC32C": crc32c,
    "SHA1": lambda d: hashlib.sha1(d).digest(),
    "SHA256": lambda d: hashlib.sha256(d).digest(),
}


def b64(raw):
    return base64.b64encode(raw).decode()


def composite(alg, parts):
    joined = b"".join(DIGESTS[alg](p) for p in parts)
    return "%s-%d" % (b64(DIGESTS[alg](joined)), len(parts))


class MultipartChecksumTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        # A client that sends no checksum unless told (boto3 1.43 would add CRC32).
        plain = {"request_checksum_calculation": "when_required"} if NEW_BOTO else {}
        cls.s3 = SERVER.client(**plain)
        cls.bucket = "mpu-sum-" + botocore.__version__.replace(".", "-")
        cls.s3.create_bucket(Bucket=cls.bucket)
        cls.parts = [os.urandom(5 * MIB), b"the last part"]

    def upload(self, key, alg, client_computes):
        s3 = self.s3
        upload_id = s3.create_multipart_upload(Bucket=self.bucket, Key=key,
                                               ChecksumAlgorithm=alg)["UploadId"]
        listed = []
        for n, data in enumerate(self.parts, 1):
            extra = {"ChecksumAlgorithm": alg} if client_computes else {}
            got = s3.upload_part(Bucket=self.bucket, Key=key, UploadId=upload_id, PartNumber=n,
                                 Body=data, **extra)
            value = got["ResponseMetadata"]["HTTPHeaders"]["x-amz-checksum-" + alg.lower()]
            listed.append({"PartNumber": n, "ETag": got["ETag"], "Checksum" + alg: value})
        return upload_id, listed

    def complete(self, key, upload_id, listed):
        return self.s3.complete_multipart_upload(Bucket=self.bucket, Key=key, UploadId=upload_id,
                                                 MultipartUpload={"Parts": listed})

    def test_composite_checksums(self):
        for alg in ["CRC32", "CRC32C", "SHA1", "SHA256"]:
            with self.subTest(alg=alg):
                key = "composite/" + alg
                # CRC32C needs awscrt in the client: let the server compute the parts'.
                upload_id, listed = self.upload(key, alg, client_computes=alg != "CRC32C")
                self.assertEqual(listed[1]["Checksum" + alg], b64(DIGESTS[alg](self.parts[1])))
                if alg != "CRC32C":
                    self.assertEqual(listed[0]["Checksum" + alg], b64(DIGESTS[alg](self.parts[0])))
                want = composite(alg, self.parts)
                ups = self.s3.list_multipart_uploads(Bucket=self.bucket, Prefix=key)["Uploads"]
                self.assertEqual(ups[0].get("ChecksumAlgorithm"), alg)
                parts = self.s3.list_parts(Bucket=self.bucket, Key=key, UploadId=upload_id)
                self.assertEqual([p["Checksum" + alg] for p in parts["Parts"]],
                                 [p["Checksum" + alg] for p in listed])
                done = self.complete(key, upload_id, listed)
                self.assertEqual(done["Checksum" + alg], want)
                head = self.s3.head_object(Bucket=self.bucket, Key=key, ChecksumMode="ENABLED")
                headers = head["ResponseMetadata"]["HTTPHeaders"]
                self.assertEqual(headers["x-amz-checksum-" + alg.lower()], want)
                self.assertEqual(headers["x-amz-checksum-type"], "COMPOSITE")
                self.assertNotIn("x-amz-checksum-" + alg.lower(),
                                 self.s3.head_object(Bucket=self.bucket,
                                                     Key=key)["ResponseMetadata"]["HTTPHeaders"])
                got = self.s3.get_object(Bucket=self.bucket, Key=key, ChecksumMode="ENABLED")
                self.assertEqual(got["Body"].read(), b"".join(self.parts))
                self.assertEqual(got["ResponseMetadata"]["HTTPHeaders"][
                    "x-amz-checksum-" + alg.lower()], want)

    def test_crc64nvme_is_full_object(self):
        key = "full/crc64nvme"
        upload_id, listed = self.upload(key, "CRC64NVME", client_computes=False)
        self.assertEqual(listed[1]["ChecksumCRC64NVME"], b64(crc64nvme(self.parts[1])))
        if not NEW_BOTO:  # boto3 1.26 cannot list ChecksumCRC64NVME (nor need it: full object)
            listed = [{"PartNumber": p["PartNumber"], "ETag": p["ETag"]} for p in listed]
        done = self.complete(key, upload_id, listed)
        want = b64(crc64nvme(b"".join(self.parts)))
        if NEW_BOTO:  # boto3 1.26 does not know ChecksumCRC64NVME
            self.assertEqual(done["ChecksumCRC64NVME"], want)
        head = self.s3.head_object(Bucket=self.bucket, Key=key, ChecksumMode="ENABLED")
        headers = head["ResponseMetadata"]["HTTPHeaders"]
        self.assertEqual(headers["x-amz-checksum-crc64nvme"], want)
        self.assertEqual(headers["x-amz-checksum-type"], "FULL_OBJECT")

    def test_checksum_errors(self):
        key = "errors/crc32"
        upload_id, listed = self.upload(key, "CRC32", client_computes=True)
        wrong = dict(listed[0], ChecksumCRC32=b64(b"\0\0\0\0"))
        self.assertEqual(error_of(self.complete, key, upload_id, [wrong, listed[1]]),
                         ("InvalidPart", 400))
        bare = [{"PartNumber": p["PartNumber"], "ETag": p["ETag"]} for p in listed]
        self.assertEqual(error_of(self.complete, key, upload_id, bare), ("InvalidRequest", 400))
        # a part sending another algorithm than the upload's
        self.assertEqual(error_of(self.s3.upload_part, Bucket=self.bucket, Key=key,
                                  UploadId=upload_id, PartNumber=3, Body=b"x",
                                  ChecksumAlgorithm="SHA256"), ("InvalidRequest", 400))
        # a checksum that does not match the part's bytes
        self.assertEqual(error_of(self.s3.upload_part, Bucket=self.bucket, Key=key,
                                  UploadId=upload_id, PartNumber=3, Body=b"x",
                                  ChecksumCRC32=b64(b"\0\0\0\1")), ("BadDigest", 400))
        # a part sending no checksum gets the upload's computed by the server
        got = self.s3.upload_part(Bucket=self.bucket, Key=key, UploadId=upload_id, PartNumber=3,
                                  Body=b"computed")
        self.assertEqual(got["ChecksumCRC32"], b64(DIGESTS["CRC32"](b"computed")))
        self.assertEqual(self.complete(key, upload_id, listed)["ChecksumCRC32"],
                         composite("CRC32", self.parts))  # part 3 left out

    def test_complete_racing_abort(self):
        s3 = self.s3
        for round_ in range(12):
            key = "race/%d" % round_
            upload_id = s3.create_multipart_upload(Bucket=self.bucket, Key=key)["UploadId"]
            parts = [os.urandom(5 * MIB), b"tail %d" % round_]
            listed = [{"PartNumber": n, "ETag": s3.upload_part(
                Bucket=self.bucket, Key=key, UploadId=upload_id, PartNumber=n, Body=p)["ETag"]}
                for n, p in enumerate(parts, 1)]
            barrier, results = threading.Barrier(2), {}

            def run(name, call, **kwargs):
                barrier.wait()
                try:
                    call(Bucket=self.bucket, Key=key, UploadId=upload_id, **kwargs)
                    results[name] = "ok"
                except botocore.exceptions.ClientError as e:
                    results[name] = e.response["Error"]["Code"]
            threads = [threading.Thread(target=run, args=("complete", s3.complete_multipart_upload),
                                        kwargs={"MultipartUpload": {"Parts": listed}}),
                       threading.Thread(target=run, args=("abort", s3.abort_multipart_upload))]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            self.assertIn(results, [{"complete": "ok", "abort": "NoSuchUpload"},
                                    {"complete": "NoSuchUpload", "abort": "ok"}])
            if results["complete"] == "ok":
                self.assertEqual(s3.get_object(Bucket=self.bucket, Key=key)["Body"].read(),
                                 b"".join(parts))
            else:
                self.assertEqual(error_of(s3.head_object, Bucket=self.bucket, Key=key)[1], 404)
            self.assertEqual(s3.list_multipart_uploads(Bucket=self.bucket,
                                                       Prefix=key).get("Uploads", []), [])


class TransferManagerTest(unittest.TestCase):
    def test_40_mib_parallel_parts_and_ranged_download(self):
        s3 = SERVER.client(max_pool_connections=16)
        bucket = "mpu-tm-" + botocore.__version__.replace(".", "-")
        s3.create_bucket(Bucket=bucket)
        data = os.urandom(40 * MIB)
        config = TransferConfig(multipart_threshold=5 * MIB, multipart_chunksize=5 * MIB,
                                max_concurrency=16)
        with tempfile.TemporaryDirectory() as tmp:
            src, down = os.path.join(tmp, "src"), os.path.join(tmp, "down")
            with open(src, "wb") as f:
                f.write(data)
            s3.upload_file(src, bucket, "big.bin", Config=config)
            chunks = [data[i:i + 5 * MIB] for i in range(0, len(data), 5 * MIB)]
            head = s3.head_object(Bucket=bucket, Key="big.bin", ChecksumMode="ENABLED")
            self.assertEqual(head["ContentLength"], len(data))
            self.assertEqual(head["ETag"], '"%s-8"' % hashlib.md5(
                b"".join(hashlib.md5(c).digest() for c in chunks)).hexdigest())
            self.assertEqual(s3.head_object(Bucket=bucket, Key="big.bin",
                                            PartNumber=8)["PartsCount"], 8)
            if NEW_BOTO:  # s3transfer asks for CRC32: a composite checksum
                self.assertEqual(head["ChecksumCRC32"], composite("CRC32", chunks))
            s3.download_file(bucket, "big.bin", down, Config=config)  # parallel ranged GETs
            with open(down, "rb") as f:
                self.assertEqual(hashlib.sha256(f.read()).digest(), hashlib.sha256(data).digest())


if __name__ == "__main__":
    unittest.main(verbosity=2)

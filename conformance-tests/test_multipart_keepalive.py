"""A long CompleteMultipartUpload is kept alive the way S3 keeps it: after a
second the answer starts, 200 with a chunked body holding the XML
declaration, then a space every two seconds while the completion runs, then
the result document, or the <Error> document when the completion failed
after the 200 went out. A completion that ends within the second is answered
as before. Runs under Debian's boto3 1.26 (/usr/bin/python3) and the image's
boto3 1.43.

Completion is made slow with BALE_TEST_COMPLETE_DELAY_MS, a test-only hook
of `bale serve`: every completion waits that long after reading its part
list, before checking the parts, so an InvalidPart is found after the 200."""
import hashlib
import os
import socket
import sys
import time
import unittest
import xml.etree.ElementTree as ET

import botocore
import botocore.handlers
from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

sys.path.insert(0, os.path.dirname(__file__))
from harness import ACCESS_KEY, REGION, SECRET_KEY, Server  # noqa: E402

COMPLETE_DELAY = 4.0  # seconds every completion of SLOW takes
KEEP_ALIVE_DELAY = 1.0  # S3ServiceOptions defaults: the head after 1 s,
KEEP_ALIVE_INTERVAL = 2.0  # then a space every 2 s
SLOW = Server()
FAST = Server()
MIB = 1 << 20
DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'
NS = "{http://s3.amazonaws.com/doc/2006-03-01/}"
# botocore 1.36 moved the check for an <Error> in a 200 before parsing, so the
# error's code reaches the ClientError; before, the 200 was parsed as a success
# first and the ClientError raised afterwards carries no code (so it is with
# AWS itself for those versions).
ERROR_CODE_IN_200_REACHES_CLIENT = hasattr(botocore.handlers, "_handle_200_error")


def setUpModule():
    os.environ["BALE_TEST_COMPLETE_DELAY_MS"] = str(int(COMPLETE_DELAY * 1000))
    try:
        SLOW.start()
    finally:
        del os.environ["BALE_TEST_COMPLETE_DELAY_MS"]
    FAST.start()


def tearDownModule():
    try:
        SLOW.stop()
    finally:
        FAST.stop()


def multipart_etag(parts):
    digest = hashlib.md5(b"".join(hashlib.md5(p).digest() for p in parts)).hexdigest()
    return '"%s-%d"' % (digest, len(parts))


def complete_body(parts):
    items = "".join("<Part><PartNumber>%d</PartNumber><ETag>%s</ETag></Part>" % (n, e)
                    for n, e in parts)
    return ("<CompleteMultipartUpload>%s</CompleteMultipartUpload>" % items).encode()


class RawResponse:
    def __init__(self, status_line, headers, body, chunked, head_after, end_after):
        self.status_line = status_line
        self.headers = headers  # lowercase name -> value
        self.body = body  # decoded from its chunks when chunked
        self.chunked = chunked
        self.head_after = head_after  # seconds from sending to the end of the head
        self.end_after = end_after  # ... to the end of the body


def raw_request(server, method, path, body=b""):
    """One SigV4-signed request on a fresh socket, read to the end of its
    response with the exact framing: for the bytes and their timing."""
    url = server.endpoint + path
    req = AWSRequest(method=method, url=url, data=body)
    S3SigV4Auth(Credentials(ACCESS_KEY, SECRET_KEY), "s3", REGION).add_auth(req)
    head = "%s %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nContent-Length: %d\r\n" % (
        method, path, server.port, len(body))
    for name, value in req.headers.items():
        head += "%s: %s\r\n" % (name, value)
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as s:
        start = time.monotonic()
        s.sendall(head.encode() + b"\r\n" + body)
        got = b""
        while b"\r\n\r\n" not in got:
            more = s.recv(65536)
            assert more, "connection closed in the head: %r" % got
            got += more
        head_after = time.monotonic() - start
        head_bytes, rest = got.split(b"\r\n\r\n", 1)
        lines = head_bytes.decode().split("\r\n")
        headers = {k.lower(): v.strip() for k, v in (line.split(":", 1) for line in lines[1:])}
        chunked = headers.get("transfer-encoding") == "chunked"

        def need(n):
            nonlocal rest
            while len(rest) < n:
                more = s.recv(65536)
                assert more, "connection closed in the body"
                rest += more

        payload = b""
        if chunked:
            while True:
                while b"\r\n" not in rest:
                    need(len(rest) + 1)
                size_line, rest = rest.split(b"\r\n", 1)
                size = int(size_line, 16)
                need(size + 2)
                assert rest[size:size + 2] == b"\r\n", "bad chunk framing"
                payload += rest[:size]
                rest = rest[size + 2:]
                if size == 0:
                    break
        else:
            need(int(headers["content-length"]))
            payload = rest
        return RawResponse(lines[0], headers, payload, chunked, head_after,
                           time.monotonic() - start)


class KeepAliveTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.bucket = "keepalive-" + botocore.__version__.replace(".", "-")
        cls.slow = SLOW.client()
        cls.fast = FAST.client()
        cls.slow.create_bucket(Bucket=cls.bucket)
        cls.fast.create_bucket(Bucket=cls.bucket)

    def upload(self, s3, key):
        """An upload with two parts; (upload id, [(number, etag)], [data])."""
        upload_id = s3.create_multipart_upload(Bucket=self.bucket, Key=key)["UploadId"]
        data = [os.urandom(5 * MIB), b"the last part"]
        parts = [(n + 1, s3.upload_part(Bucket=self.bucket, Key=key, UploadId=upload_id,
                                        PartNumber=n + 1, Body=d)["ETag"])
                 for n, d in enumerate(data)]
        return upload_id, parts, data

    def assert_kept_alive(self, r):
        """200 at the delay, chunked: the declaration, spaces, then the document
        (returned parsed)."""
        self.assertEqual(r.status_line, "HTTP/1.1 200 OK")
        self.assertTrue(r.chunked, r.headers)
        self.assertNotIn("content-length", r.headers)
        self.assertEqual(r.headers["content-type"], "application/xml")
        self.assertLess(r.head_after, COMPLETE_DELAY - 1.5)  # the head came early,
        self.assertGreaterEqual(r.end_after, COMPLETE_DELAY)  # the document at the end
        self.assertTrue(r.body.startswith(DECLARATION), r.body[:80])
        after = r.body[len(DECLARATION):]
        document = after.lstrip(b" ")
        spaces = len(after) - len(document)
        # one at 1 s, one at 3 s; more only if the machine stalled for seconds
        self.assertGreaterEqual(spaces, 2, r.body[:120])
        self.assertLessEqual(spaces, 4, r.body[:120])
        self.assertTrue(document.startswith(b"<"), document[:40])
        self.assertNotIn(b"<?xml", document)
        return ET.fromstring(r.body)

    def test_raw_response_is_200_then_whitespace_then_the_result(self):
        key = "raw/ok"
        upload_id, parts, data = self.upload(self.slow, key)
        r = raw_request(SLOW, "POST", "/%s/%s?uploadId=%s" % (self.bucket, key, upload_id),
                        complete_body(parts))
        root = self.assert_kept_alive(r)
        self.assertEqual(root.tag, NS + "CompleteMultipartUploadResult")
        self.assertEqual(root.find(NS + "Bucket").text, self.bucket)
        self.assertEqual(root.find(NS + "Key").text, key)
        self.assertEqual(root.find(NS + "ETag").text, multipart_etag(data))
        got = self.slow.get_object(Bucket=self.bucket, Key=key)
        self.assertEqual(got["Body"].read(), b"".join(data))

    def test_boto3_completes_past_its_read_timeout(self):
        # A 2.5 s read timeout against a 4 s completion: only the spaces keep
        # the socket from going quiet that long.
        s3 = SLOW.client(read_timeout=2.5)
        if hasattr(s3, "close"):
            self.addCleanup(s3.close)
        key = "boto3/ok"
        upload_id, parts, data = self.upload(s3, key)
        started = time.monotonic()
        done = s3.complete_multipart_upload(
            Bucket=self.bucket, Key=key, UploadId=upload_id,
            MultipartUpload={"Parts": [{"PartNumber": n, "ETag": e} for n, e in parts]})
        self.assertGreaterEqual(time.monotonic() - started, COMPLETE_DELAY)
        self.assertEqual(done["ResponseMetadata"]["HTTPStatusCode"], 200)
        self.assertEqual(done["ETag"], multipart_etag(data))
        self.assertEqual((done["Bucket"], done["Key"]), (self.bucket, key))
        got = s3.get_object(Bucket=self.bucket, Key=key)
        self.assertEqual(got["Body"].read(), b"".join(data))
        self.assertEqual(got["ETag"], multipart_etag(data))

    def test_error_after_the_200_is_an_error_document_in_its_body(self):
        key = "raw/invalid-part"
        upload_id, parts, _ = self.upload(self.slow, key)
        wrong = [(1, '"%s"' % ("0" * 32)), parts[1]]
        r = raw_request(SLOW, "POST", "/%s/%s?uploadId=%s" % (self.bucket, key, upload_id),
                        complete_body(wrong))
        root = self.assert_kept_alive(r)
        self.assertEqual(root.tag, "Error")
        self.assertEqual(root.find("Code").text, "InvalidPart")
        self.assertEqual(root.find("Resource").text, "/%s/%s" % (self.bucket, key))
        self.assertEqual(root.find("RequestId").text, r.headers["x-amz-request-id"])
        # nothing was completed: the upload and its parts are as they were
        listed = self.slow.list_parts(Bucket=self.bucket, Key=key, UploadId=upload_id)
        self.assertEqual([(p["PartNumber"], p["ETag"]) for p in listed["Parts"]], parts)
        self.assertEqual(self.slow.list_objects_v2(Bucket=self.bucket, Prefix=key)["KeyCount"], 0)
        self.slow.abort_multipart_upload(Bucket=self.bucket, Key=key, UploadId=upload_id)

    def test_error_after_the_200_reaches_boto3_as_a_client_error(self):
        key = "boto3/invalid-part"
        upload_id, parts, data = self.upload(self.slow, key)
        # One attempt: botocore retries the in-body error as a 500 otherwise.
        once = SLOW.client(retries={"total_max_attempts": 1})
        if hasattr(once, "close"):
            self.addCleanup(once.close)
        with self.assertRaises(ClientError) as caught:
            once.complete_multipart_upload(
                Bucket=self.bucket, Key=key, UploadId=upload_id,
                MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": parts[1][1]},
                                           {"PartNumber": 2, "ETag": parts[1][1]}]})
        response = caught.exception.response
        self.assertEqual(response["ResponseMetadata"]["RetryAttempts"], 0)
        if ERROR_CODE_IN_200_REACHES_CLIENT:
            self.assertEqual(response["Error"]["Code"], "InvalidPart")
            self.assertEqual(response["ResponseMetadata"]["HTTPStatusCode"], 500)  # botocore's
        else:
            self.assertNotIn("Error", response)  # botocore < 1.36 loses the code
            self.assertEqual(response["ResponseMetadata"]["HTTPStatusCode"], 200)
        self.assertEqual(self.slow.list_objects_v2(Bucket=self.bucket, Prefix=key)["KeyCount"], 0)
        # the upload is intact: completed with the right list, it is the object
        done = self.slow.complete_multipart_upload(
            Bucket=self.bucket, Key=key, UploadId=upload_id,
            MultipartUpload={"Parts": [{"PartNumber": n, "ETag": e} for n, e in parts]})
        self.assertEqual(done["ETag"], multipart_etag(data))
        got = self.slow.get_object(Bucket=self.bucket, Key=key)
        self.assertEqual(got["Body"].read(), b"".join(data))

    def test_fast_completion_is_answered_as_before(self):
        key = "fast/ok"
        upload_id, parts, data = self.upload(self.fast, key)
        path = "/%s/%s?uploadId=%s" % (self.bucket, key, upload_id)
        wrong = raw_request(FAST, "POST", path, complete_body([(1, parts[1][1]), parts[1]]))
        self.assertEqual(wrong.status_line, "HTTP/1.1 400 Bad Request")
        self.assertFalse(wrong.chunked)
        self.assertTrue(wrong.body.startswith(b'<?xml version="1.0" encoding="UTF-8"?><Error>'))
        self.assertEqual(ET.fromstring(wrong.body).find("Code").text, "InvalidPart")
        r = raw_request(FAST, "POST", path, complete_body(parts))
        self.assertEqual(r.status_line, "HTTP/1.1 200 OK")
        self.assertFalse(r.chunked)
        self.assertEqual(int(r.headers["content-length"]), len(r.body))
        self.assertLess(r.end_after, KEEP_ALIVE_DELAY)
        self.assertTrue(r.body.startswith(
            b'<?xml version="1.0" encoding="UTF-8"?><CompleteMultipartUploadResult'), r.body[:80])
        self.assertEqual(ET.fromstring(r.body).find(NS + "ETag").text, multipart_etag(data))
        got = self.fast.get_object(Bucket=self.bucket, Key=key)
        self.assertEqual(got["Body"].read(), b"".join(data))


if __name__ == "__main__":
    unittest.main(verbosity=2)

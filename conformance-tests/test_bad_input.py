"""Malformed and hostile requests against a live `bale serve`: each gets S3's
exact error (code, HTTP status, XML), the connection is handled cleanly, and
no partial object ever becomes visible. Requests are built by hand (signed
with botocore's own SigV4 signer where a signature is needed), so every byte
is under the test's control."""
import datetime
import hashlib
import http.client
import os
import re
import socket
import sys
import unittest

from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

sys.path.insert(0, os.path.dirname(__file__))
from harness import ACCESS_KEY, REGION, SECRET_KEY, Server  # noqa: E402

SERVER = Server()
BUCKET = "bad-input"


def setUpModule():
    SERVER.start()
    client().create_bucket(Bucket=BUCKET)


def tearDownModule():
    SERVER.stop()


def client():
    return SERVER.client()


def signed_headers(method, path, body=b"", headers=None, when=None, payload_hash=None):
    """SigV4 headers for a request, optionally signed at another time."""
    url = SERVER.endpoint + path
    req = AWSRequest(method=method, url=url, data=body, headers=dict(headers or {}))

    class Signer(S3SigV4Auth):
        # botocore always recomputes the payload hash; a test may need to lie
        # about it (tampering) or name a streaming mode.
        def payload(self, request):
            return payload_hash or hashlib.sha256(body).hexdigest()
    signer = Signer(Credentials(ACCESS_KEY, SECRET_KEY), "s3", REGION)
    if when is not None:
        # botocore reads the time from datetime.datetime.utcnow via its own module.
        import botocore.auth as ba
        real = ba.datetime.datetime

        class Fixed(real):
            @classmethod
            def utcnow(cls):
                return when.replace(tzinfo=None)

            @classmethod
            def now(cls, tz=None):
                return when if tz else when.replace(tzinfo=None)
        ba.datetime.datetime = Fixed
        try:
            signer.add_auth(req)
        finally:
            ba.datetime.datetime = real
    else:
        signer.add_auth(req)
    return dict(req.headers.items())


def raw(method, path, headers, body=b""):
    conn = http.client.HTTPConnection("127.0.0.1", SERVER.port, timeout=20)
    conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
    sent_host = False
    if body and not any(k.lower() in ("content-length", "transfer-encoding") for k in headers):
        headers = dict(headers, **{"Content-Length": str(len(body))})
    for k, v in headers.items():
        conn.putheader(k, v)
        sent_host |= k.lower() == "host"
    if not sent_host:
        conn.putheader("Host", "127.0.0.1:%d" % SERVER.port)
    conn.endheaders(body if body else None)
    resp = conn.getresponse()
    data = resp.read()
    conn.close()
    return resp.status, resp.getheaders(), data.decode(errors="replace")


def send_raw(data):
    """Everything the server answers to `data`, read until it closes."""
    s = socket.create_connection(("127.0.0.1", SERVER.port), timeout=10)
    s.sendall(data)
    got = b""
    while True:
        d = s.recv(65536)
        if not d:
            break
        got += d
    s.close()
    return got


def code_of(xml):
    m = re.search(r"<Code>([^<]*)</Code>", xml)
    return m.group(1) if m else None


def object_exists(key):
    return SERVER.exists(BUCKET, key)


class BadInputTest(unittest.TestCase):
    def test_malformed_authorization(self):
        h = {"Authorization": "AWS4-HMAC-SHA256 Credential=garbage", "x-amz-date": "20261121T000000Z",
             "x-amz-content-sha256": hashlib.sha256(b"").hexdigest()}
        status, _, body = raw("GET", "/" + BUCKET, h)
        self.assertEqual((status, code_of(body)), (400, "AuthorizationHeaderMalformed"))
        self.assertIn("<RequestId>", body)

    def test_wrong_signature_and_unknown_key(self):
        h = signed_headers("GET", "/" + BUCKET)
        h["Authorization"] = re.sub(r"Signature=[0-9a-f]+", "Signature=" + "0" * 64, h["Authorization"])
        status, _, body = raw("GET", "/" + BUCKET, h)
        self.assertEqual((status, code_of(body)), (403, "SignatureDoesNotMatch"))
        h = signed_headers("GET", "/" + BUCKET)
        h["Authorization"] = h["Authorization"].replace(ACCESS_KEY, "UNKNOWNKEY0000000000")
        status, _, body = raw("GET", "/" + BUCKET, h)
        self.assertEqual((status, code_of(body)), (403, "InvalidAccessKeyId"))

    def test_expired_and_future_dated_requests(self):
        now = datetime.datetime.now(datetime.timezone.utc)
        for skew in (datetime.timedelta(minutes=-20), datetime.timedelta(minutes=20)):
            h = signed_headers("GET", "/" + BUCKET, when=now + skew)
            status, _, body = raw("GET", "/" + BUCKET, h)
            self.assertEqual((status, code_of(body)), (403, "RequestTimeTooSkewed"), skew)
        h = signed_headers("GET", "/" + BUCKET, when=now - datetime.timedelta(minutes=10))
        self.assertEqual(raw("GET", "/" + BUCKET, h)[0], 200)  # inside the 15-minute window

    def test_body_digest_mismatch_leaves_nothing(self):
        body = b"the real body"
        h = signed_headers("PUT", "/%s/digest" % BUCKET, body, payload_hash=hashlib.sha256(b"other").hexdigest())
        status, _, xml = raw("PUT", "/%s/digest" % BUCKET, h, body)
        self.assertEqual((status, code_of(xml)), (400, "XAmzContentSHA256Mismatch"))
        self.assertFalse(object_exists("digest"))

    def test_short_body_then_hang_up_leaves_nothing(self):
        body = b"x" * 1000
        h = signed_headers("PUT", "/%s/short" % BUCKET, body)
        h["Content-Length"] = "1000"
        s = socket.create_connection(("127.0.0.1", SERVER.port))
        head = "PUT /%s/short HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n" % (BUCKET, SERVER.port)
        head += "".join("%s: %s\r\n" % kv for kv in h.items() if kv[0].lower() != "host") + "\r\n"
        s.sendall(head.encode() + body[:400])
        s.close()
        self.assertFalse(object_exists("short"))
        self.assertEqual(client().list_objects_v2(Bucket=BUCKET, Prefix="short").get("KeyCount"), 0)

    def test_broken_aws_chunked_framing_leaves_nothing(self):
        payload = b"hello chunked world"
        framed = b"13\r\n" + payload + b"\r\nZZ-not-hex\r\n\r\n"
        h = signed_headers("PUT", "/%s/chunked" % BUCKET, framed, payload_hash="STREAMING-UNSIGNED-PAYLOAD-TRAILER",
                           headers={"Content-Encoding": "aws-chunked", "x-amz-decoded-content-length": str(len(payload))})
        status, _, xml = raw("PUT", "/%s/chunked" % BUCKET, h, framed)
        self.assertEqual(status, 400)
        self.assertIn(code_of(xml), ("InvalidRequest", "IncompleteBody"))
        self.assertFalse(object_exists("chunked"))

    def test_decoded_length_lie_leaves_nothing(self):
        payload = b"twelve bytes"
        framed = b"c\r\n" + payload + b"\r\n0\r\n\r\n"
        h = signed_headers("PUT", "/%s/lie" % BUCKET, framed, payload_hash="STREAMING-UNSIGNED-PAYLOAD-TRAILER",
                           headers={"Content-Encoding": "aws-chunked", "x-amz-decoded-content-length": "50"})
        status, _, xml = raw("PUT", "/%s/lie" % BUCKET, h, framed)
        self.assertEqual((status, code_of(xml)), (400, "IncompleteBody"))
        self.assertFalse(object_exists("lie"))

    def test_plain_http_chunking_is_not_implemented(self):
        # As S3: a body of unknown length must be aws-chunked (with its decoded
        # length); Transfer-Encoding: chunked alone names a feature S3 lacks.
        framed = b"5\r\nhello\r\n0\r\n\r\n"
        h = signed_headers("PUT", "/%s/plain-chunked" % BUCKET, b"", payload_hash="UNSIGNED-PAYLOAD")
        h.pop("Content-Length", None)
        h["Transfer-Encoding"] = "chunked"
        status, _, xml = raw("PUT", "/%s/plain-chunked" % BUCKET, h, framed)
        self.assertEqual((status, code_of(xml)), (501, "NotImplemented"))
        self.assertIn("<Header>Transfer-Encoding</Header>", xml)
        self.assertFalse(object_exists("plain-chunked"))

    def test_missing_content_length(self):
        h = signed_headers("PUT", "/%s/nolen" % BUCKET, b"", payload_hash="UNSIGNED-PAYLOAD")
        h.pop("Content-Length", None)
        status, _, xml = raw("PUT", "/%s/nolen" % BUCKET, h)
        self.assertEqual((status, code_of(xml)), (411, "MissingContentLength"))

    def test_invalid_xml_and_names_and_sizes(self):
        bad = b"<CreateBucketConfiguration><LocationConstraint>"
        h = signed_headers("PUT", "/xml-bucket", bad)
        status, _, xml = raw("PUT", "/xml-bucket", h, bad)
        self.assertEqual((status, code_of(xml)), (400, "MalformedXML"))
        h = signed_headers("PUT", "/UPPER")
        self.assertEqual(code_of(raw("PUT", "/UPPER", h)[2]), "InvalidBucketName")
        key = "k" * 1025
        h = signed_headers("PUT", "/%s/%s" % (BUCKET, key), b"x")
        status, _, xml = raw("PUT", "/%s/%s" % (BUCKET, key), h, b"x")
        self.assertEqual((status, code_of(xml)), (400, "KeyTooLongError"))
        h = signed_headers("PUT", "/%s/meta" % BUCKET, b"x", headers={"x-amz-meta-big": "v" * 2100})
        status, _, xml = raw("PUT", "/%s/meta" % BUCKET, h, b"x")
        self.assertEqual((status, code_of(xml)), (400, "MetadataTooLarge"))
        self.assertFalse(object_exists("meta"))

    def test_create_bucket_body_is_checked_like_any_other(self):
        doc = b"<CreateBucketConfiguration><LocationConstraint>us-east-1</LocationConstraint>" \
              b"</CreateBucketConfiguration>"
        h = signed_headers("PUT", "/body-checked", doc, payload_hash=hashlib.sha256(b"other").hexdigest())
        status, _, xml = raw("PUT", "/body-checked", h, doc)
        self.assertEqual((status, code_of(xml)), (400, "XAmzContentSHA256Mismatch"))
        h = signed_headers("PUT", "/body-checked", b"", payload_hash="UNSIGNED-PAYLOAD")
        h.pop("Content-Length", None)
        h["Transfer-Encoding"] = "chunked"
        status, _, xml = raw("PUT", "/body-checked", h, b"0\r\n\r\n")
        self.assertEqual((status, code_of(xml)), (501, "NotImplemented"))
        self.assertNotIn("body-checked", [b["Name"] for b in client().list_buckets()["Buckets"]])
        # A PUT with no body at all (curl -X PUT) creates the bucket.
        h = signed_headers("PUT", "/body-checked")
        h.pop("Content-Length", None)
        self.assertEqual(raw("PUT", "/body-checked", h)[0], 200)
        client().delete_bucket(Bucket="body-checked")

    def test_garbage_on_the_wire(self):
        got = send_raw(b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 this is a TLS hello, not HTTP\r\n\r\n")
        self.assertTrue(got.startswith(b"HTTP/1.1 400 Bad Request\r\n"), got[:80])
        self.assertIn(b"<Code>InvalidRequest</Code>", got)
        # and the server still serves
        self.assertEqual(client().head_bucket(Bucket=BUCKET)["ResponseMetadata"]["HTTPStatusCode"], 200)

    def test_malformed_head_request_gets_no_body(self):
        # A header value with a control character: the request line parsed, so
        # the answer is to a HEAD and carries the error's length but not the error.
        got = send_raw(b"HEAD /%s/x HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Bad: a\x01b\r\n\r\n" % BUCKET.encode())
        head, sep, rest = got.partition(b"\r\n\r\n")
        self.assertTrue(head.startswith(b"HTTP/1.1 400 Bad Request\r\n"), got[:80])
        self.assertEqual((sep, rest), (b"\r\n\r\n", b""))
        length = re.search(rb"\r\nContent-Length: (\d+)", head)
        self.assertTrue(length and int(length.group(1)) > 0, head)
        self.assertIn(b"\r\nx-amz-request-id: ", head)


if __name__ == "__main__":
    unittest.main(verbosity=2)

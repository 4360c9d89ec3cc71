"""Seeded fuzzing of a live `bale serve` over raw sockets: a few thousand
mutated S3 requests, each on its own connection, and after them the checks
that matter.

Two kinds of mutation, from one seeded random generator (BALE_FUZZ_SEED,
BALE_FUZZ_COUNT to vary them):
- structural: a header, query parameter or body of a valid request is given
  a hostile value (huge numbers, broken XML, bad aws-chunked framing, bytes
  that are not UTF-8, ...), and the request is then signed, so it gets past
  authentication and reaches the operation;
- byte-level: the signed request's bytes are flipped, cut, repeated or
  spliced, which exercises the HTTP parser and SigV4's header parsing.

Every request is followed by a half-close, so a server waiting for more body
sees the end at once. Each response must be well-formed HTTP/1.x with an
x-amz-request-id; every error must carry S3's XML error document; no request
may get a 500 or leave the connection hanging. After the run the server must
still be up, the objects written before it must be intact, and every object
the fuzzing left visible must have been acknowledged with a 2xx and read back
whole (its MD5 equal to its ETag when single-part)."""
import base64
import hashlib
import hmac
import os
import random
import re
import socket
import sys
import time
import unittest
import urllib.parse
import zlib

from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

sys.path.insert(0, os.path.dirname(__file__))
from harness import ACCESS_KEY, REGION, SECRET_KEY, Server  # noqa: E402

SERVER = Server()
BUCKET = "fuzz"
SEED = int(os.environ.get("BALE_FUZZ_SEED", "20261122"))
COUNT = int(os.environ.get("BALE_FUZZ_COUNT", "6000"))
TIME_LIMIT = 240  # seconds for the whole run: the loop stops early rather than overrun
REPLY_TIMEOUT = 15  # seconds for one answer after the half-close


def setUpModule():
    SERVER.start()
    SERVER.client().create_bucket(Bucket=BUCKET)


def tearDownModule():
    SERVER.stop()


# --- requests -------------------------------------------------------------

def signed(method, path, headers=(), body=b"", payload=None):
    """The bytes of a SigV4-signed request. `path` includes the query, already
    encoded; `payload` is the x-amz-content-sha256 value (default: the body's
    digest). None when botocore cannot sign what the mutation made."""
    headers = dict(headers)
    req = AWSRequest(method=method, url=SERVER.endpoint + path, data=body, headers=headers)

    class Signer(S3SigV4Auth):
        def payload(self, request):
            return payload or hashlib.sha256(body).hexdigest()
    try:
        Signer(Credentials(ACCESS_KEY, SECRET_KEY), "s3", REGION).add_auth(req)
    except Exception:  # noqa: BLE001 - a value botocore cannot canonicalize
        return None
    lines = ["%s %s HTTP/1.1" % (method, path), "Host: 127.0.0.1:%d" % SERVER.port]
    for k, v in req.headers.items():
        if k.lower() not in ("host", "content-length"):
            lines.append("%s: %s" % (k, v))
    if body or method in ("PUT", "POST"):
        lines.append("Content-Length: %d" % len(body))
    try:
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8")
    except UnicodeEncodeError:
        return None
    return head + body


def chunked(payload, pieces, trailer=True):
    """aws-chunked framing of `payload` (STREAMING-UNSIGNED-PAYLOAD-TRAILER)."""
    out, at = b"", 0
    for size in pieces:
        out += b"%x\r\n" % size + payload[at:at + size] + b"\r\n"
        at += size
    out += b"0\r\n"
    if trailer:
        crc = base64.b64encode(zlib.crc32(payload).to_bytes(4, "big"))
        out += b"x-amz-checksum-crc32:" + crc + b"\r\n"
    return out + b"\r\n"


def chunk_signed(path, payload, pieces, headers=()):
    """A PUT whose aws-chunked body has a valid signature on every chunk
    (STREAMING-AWS4-HMAC-SHA256-PAYLOAD): the bytes of the whole request."""
    sizes = [p for p in pieces if p] + [0]
    framed_len = sum(len(b"%x;chunk-signature=" % n) + 64 + 2 + n + 2 for n in sizes)
    headers = dict(headers, **{"Content-Encoding": "aws-chunked",
                               "x-amz-decoded-content-length": str(len(payload))})
    request = signed("PUT", path, headers, b"\0" * framed_len, payload="STREAMING-AWS4-HMAC-SHA256-PAYLOAD")
    if request is None:
        return None
    head = request[:request.index(b"\r\n\r\n") + 4]
    text = head.decode("utf-8")
    when = re.search(r"X-Amz-Date: (\S+)", text).group(1)
    previous = re.search(r"Signature=([0-9a-f]{64})", text).group(1)
    scope = "%s/%s/s3/aws4_request" % (when[:8], REGION)
    key = ("AWS4" + SECRET_KEY).encode()
    for part in (when[:8], REGION, "s3", "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    body, at = b"", 0
    for n in sizes:
        chunk = payload[at:at + n]
        at += n
        to_sign = "\n".join(["AWS4-HMAC-SHA256-PAYLOAD", when, scope, previous,
                             hashlib.sha256(b"").hexdigest(), hashlib.sha256(chunk).hexdigest()])
        previous = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
        body += b"%x;chunk-signature=%s\r\n" % (n, previous.encode()) + chunk + b"\r\n"
    assert len(body) == framed_len
    return head + body


HOSTILE = ["", "0", "-1", "1", "4294967296", "18446744073709551616", "99999999999999999999999",
           "*", "%", "%zz", "%00", "\u00e9", "a" * 3000, " ", "\t", "true", "null", "bytes=",
           "bytes=5-1", "bytes=-0", "bytes=0-", "bytes=1-2,3-4", "bytes=-99999999999999999999",
           "\"\"", "W/\"x\"", "1e9", "0x10", "+5", "NaN", "..", "/", "\\", "<", "&amp;", ";",
           "STREAMING-AWS4-HMAC-SHA256-PAYLOAD", "UNSIGNED-PAYLOAD", "aws-chunked",
           "Thu, 01 Jan 1970 00:00:00 GMT", "Fri, 31 Dec 9999 23:59:59 GMT", "COPY", "REPLACE",
           "public-read", "private", "CRC32", "SHA256", "x-amz-checksum-crc32"]

HEADERS = ["Range", "If-Match", "If-None-Match", "If-Modified-Since", "If-Unmodified-Since",
           "Content-MD5", "Content-Type", "Content-Encoding", "x-amz-acl", "x-amz-tagging",
           "x-amz-meta-a", "x-amz-copy-source", "x-amz-copy-source-range",
           "x-amz-metadata-directive", "x-amz-tagging-directive", "x-amz-checksum-crc32",
           "x-amz-checksum-sha256", "x-amz-sdk-checksum-algorithm", "x-amz-trailer",
           "x-amz-decoded-content-length", "x-amz-checksum-mode", "x-amz-storage-class",
           "x-amz-server-side-encryption", "Expect", "Transfer-Encoding", "x-amz-expected-bucket-owner"]

PARAMS = ["max-keys", "prefix", "delimiter", "marker", "continuation-token", "start-after",
          "encoding-type", "fetch-owner", "list-type", "partNumber", "uploadId", "max-parts",
          "part-number-marker", "max-uploads", "key-marker", "upload-id-marker", "versionId",
          "response-content-type", "response-expires", "tagging", "acl", "uploads", "delete",
          "location", "versioning", "lifecycle", "cors"]

XML_BODIES = [
    b"<Delete><Object><Key>fz/a</Key></Object><Quiet>true</Quiet></Delete>",
    b"<Delete>" + b"<Object><Key>fz/k</Key></Object>" * 1001 + b"</Delete>",
    b"<Tagging><TagSet><Tag><Key>a</Key><Value>b</Value></Tag></TagSet></Tagging>",
    b"<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>\"x\"</ETag></Part>"
    b"</CompleteMultipartUpload>",
    b"<AccessControlPolicy><AccessControlList/></AccessControlPolicy>",
    b"<CreateBucketConfiguration><LocationConstraint>eu-west-1</LocationConstraint>"
    b"</CreateBucketConfiguration>",
    b"<?xml version=\"1.0\"?><!DOCTYPE d [<!ENTITY e \"x\">]><Delete><Object><Key>&e;</Key>"
    b"</Object></Delete>",
    b"<Delete><Object><Key>\xff\xfe</Key></Object></Delete>",
    b"<Delete><Object><Key>fz/a</Key></Object>",
    b"<" * 5000,
    b"",
]


def query_item(name, value):
    """name=value, encoded; a bare name for S3's valueless subresources."""
    item = urllib.parse.quote(name, safe="-_.~")
    if value or name not in ("uploads", "delete", "tagging", "acl", "location"):
        item += "=" + urllib.parse.quote(value, safe="-_.~")
    return item


class Fuzzer:
    def __init__(self, rng, upload_id):
        self.rng = rng
        self.upload_id = upload_id

    def key(self):
        return "fz/%d" % self.rng.randrange(40)

    def seed(self):
        """A valid request: (method, path, query pairs, headers, body, payload mode)."""
        r, key = self.rng, self.key()
        body = r.randbytes(r.choice([0, 1, 100, 4096, 70000]))
        obj = "/%s/%s" % (BUCKET, key)
        return r.choice([
            ("PUT", obj, [], {"Content-Type": "text/plain"}, body, None),
            ("PUT", obj, [], {"Content-Encoding": "aws-chunked", "x-amz-trailer": "x-amz-checksum-crc32",
                              "x-amz-decoded-content-length": str(len(body))},
             chunked(body, [len(body)] if body else []), "STREAMING-UNSIGNED-PAYLOAD-TRAILER"),
            ("PUT", obj, [], {}, body, "UNSIGNED-PAYLOAD"),
            ("GET", obj, [], {"Range": "bytes=0-10"}, b"", None),
            ("HEAD", obj, [], {}, b"", None),
            ("DELETE", obj, [], {}, b"", None),
            ("GET", "/" + BUCKET, [("list-type", "2"), ("prefix", "fz/"), ("max-keys", "5")], {}, b"", None),
            ("GET", "/" + BUCKET, [("delimiter", "/")], {}, b"", None),
            ("POST", "/" + BUCKET, [("delete", "")], {}, r.choice(XML_BODIES[:1]), None),
            ("PUT", obj, [("tagging", "")], {}, XML_BODIES[2], None),
            ("POST", obj, [("uploads", "")], {}, b"", None),
            ("PUT", "/%s/fz/mp" % BUCKET, [("partNumber", "1"), ("uploadId", self.upload_id)], {}, body, None),
            ("POST", "/%s/fz/mp" % BUCKET, [("uploadId", self.upload_id)], {}, XML_BODIES[3], None),
            ("GET", "/%s/fz/mp" % BUCKET, [("uploadId", self.upload_id)], {}, b"", None),
            ("PUT", obj, [], {"x-amz-copy-source": "/%s/%s" % (BUCKET, self.key())}, b"", None),
            ("PUT", obj, [("acl", "")], {"x-amz-acl": "public-read"}, b"", None),
            ("GET", "/", [], {}, b"", None),
        ])

    def mutate_fields(self, method, path, query, headers, body, payload):
        r = self.rng
        for _ in range(r.randint(1, 3)):
            what = r.randrange(7)
            if what == 0:
                headers[r.choice(HEADERS)] = r.choice(HOSTILE)
            elif what == 1:
                query.append((r.choice(PARAMS), r.choice(HOSTILE)))
            elif what == 2 and query:
                i = r.randrange(len(query))
                query[i] = (query[i][0], r.choice(HOSTILE))
            elif what == 3:
                body = r.choice(XML_BODIES) if r.random() < 0.5 else self.flip(body)
            elif what == 4 and payload == "STREAMING-UNSIGNED-PAYLOAD-TRAILER":
                data = r.randbytes(r.randrange(1, 300))
                body = self.flip(chunked(data, self.pieces(len(data), 3), trailer=r.random() < 0.7))
                if r.random() < 0.5:
                    headers["x-amz-decoded-content-length"] = str(len(data) + r.choice([-1, 0, 1]))
            elif what == 5:
                path = path + r.choice(["/", "//x", "/%2e%2e", "%00", "?", "/\u00e9", "/" + "k" * 1100])
            else:
                method = r.choice(["GET", "PUT", "POST", "DELETE", "HEAD", "OPTIONS", "PATCH"])
        return method, path, query, headers, body, payload

    def pieces(self, n, cuts):
        """`n` bytes cut at up to `cuts` random places: the non-empty sizes."""
        at = sorted(self.rng.sample(range(n + 1), min(cuts, n + 1)))
        return [b - a for a, b in zip([0] + at, at + [n]) if b > a]

    def flip(self, data):
        """`data` with a few random bytes changed, cut or repeated."""
        r, data = self.rng, bytearray(data)
        for _ in range(r.randint(1, 4)):
            if not data:
                data += r.randbytes(r.randint(1, 8))
                continue
            i = r.randrange(len(data))
            op = r.randrange(5)
            if op == 0:
                data[i] ^= 1 << r.randrange(8)
            elif op == 1:
                data[i] = r.choice(b"\r\n\x00:% \xff0")
            elif op == 2:
                del data[i:i + r.randint(1, 64)]
            elif op == 3:
                data[i:i] = data[i:i + r.randint(1, 64)] * r.randint(1, 50)
            else:
                data[i:i] = r.choice([b"\r\n", b"\r\n\r\n", b"Content-Length: 5\r\n",
                                      b"Transfer-Encoding: chunked\r\n", b"\xc3\x28", b"%"])
        return bytes(data)

    def next(self):
        """(kind, key written or None, the request's bytes)."""
        if self.rng.random() < 0.1:  # chunk signatures: valid, then the bytes mutated
            key = self.key()
            data = self.rng.randbytes(self.rng.choice([0, 1, 100, 9000]))
            request = chunk_signed("/%s/%s" % (BUCKET, key), data, self.pieces(len(data), 2))
            if request is None:
                return None
            return ("signed chunks", key, request if self.rng.random() < 0.1 else self.flip(request))
        method, path, query, headers, body, payload = self.seed()
        structural = self.rng.random() < 0.7
        if structural:
            method, path, query, headers, body, payload = self.mutate_fields(
                method, path, query, headers, body, payload)
        q = "&".join(query_item(k, v) for k, v in query)
        target = urllib.parse.quote(path, safe="/%") + ("?" + q if q else "")
        data = signed(method, target, headers, body, payload)
        if data is None:
            return None
        if not structural:
            data = self.flip(data)
        written = None
        if method in ("PUT", "POST") and path.startswith("/%s/" % BUCKET):
            written = urllib.parse.unquote(path.split("/", 2)[2])  # the key the server decodes
        return ("structural" if structural else "bytes"), written, data


# --- responses ------------------------------------------------------------

def exchange(data):
    """Sends `data`, half-closes and reads until the server closes: the raw
    reply, or raises on a reply that does not end within REPLY_TIMEOUT."""
    s = socket.create_connection(("127.0.0.1", SERVER.port), timeout=REPLY_TIMEOUT)
    try:
        try:
            s.sendall(data)
            s.shutdown(socket.SHUT_WR)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered early and closed: read what it said
        out, deadline = b"", time.time() + REPLY_TIMEOUT
        while True:
            if time.time() > deadline:
                raise TimeoutError("no end of the reply within %d s" % REPLY_TIMEOUT)
            try:
                got = s.recv(65536)
            except ConnectionResetError:
                break
            if not got:
                break
            out += got
        return out
    finally:
        s.close()


def parse_replies(raw, head_request):
    """The responses in `raw`, as (status, headers, body); raises ValueError on
    bytes that are not well-formed HTTP/1.x responses."""
    replies = []
    while raw:
        end = raw.find(b"\r\n\r\n")
        if end < 0:
            raise ValueError("a response head without its end: %r" % raw[:200])
        lines = raw[:end].decode("latin-1").split("\r\n")
        m = re.fullmatch(r"HTTP/1\.[01] (\d{3}) [^\r\n]*", lines[0])  # 1.0 to a 1.0 request
        if not m:
            raise ValueError("not a status line: %r" % lines[0])
        headers = {}
        for line in lines[1:]:
            name, sep, value = line.partition(":")
            if not sep or not name or name != name.strip():
                raise ValueError("malformed header line %r" % line)
            headers[name.lower()] = value.strip()
        raw = raw[end + 4:]
        status = int(m.group(1))
        if (head_request and not replies) or status in (204, 304):
            body = b""
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            body = b""
            while True:
                nl = raw.find(b"\r\n")
                if nl < 0:
                    raise ValueError("a chunked body cut short")
                size = int(raw[:nl].split(b";")[0], 16)
                chunk, raw = raw[nl + 2:nl + 2 + size], raw[nl + 2 + size:]
                if len(chunk) != size or not raw.startswith(b"\r\n"):
                    raise ValueError("a chunk cut short")
                raw = raw[2:]
                body += chunk
                if size == 0:
                    break
        elif "content-length" in headers:
            n = int(headers["content-length"])
            if len(raw) < n:
                raise ValueError("a body of %d bytes where Content-Length says %d" % (len(raw), n))
            body, raw = raw[:n], raw[n:]
        else:
            raise ValueError("a response with neither Content-Length nor chunking: %r" % lines)
        replies.append((status, headers, body))
    return replies


def check_reply(status, headers, body, head_request):
    """Why this response breaks S3's rules, or None."""
    if "x-amz-request-id" not in headers:
        return "no x-amz-request-id"
    if status == 500:
        return "500: %s" % body[:300]
    if status >= 400 and not head_request:
        text = body.decode("utf-8", "replace")
        if not re.match(r'<\?xml version="1\.0" encoding="UTF-8"\?>\s*<Error><Code>[A-Za-z0-9]+</Code>', text):
            return "an error without S3's XML document: %r" % text[:300]
        if "<RequestId>%s</RequestId>" % headers["x-amz-request-id"] not in text:
            return "the error's RequestId is not the header's"
    return None


class FuzzTest(unittest.TestCase):
    def test_mutated_requests(self):
        s3 = SERVER.client()
        canaries = {"canary/%d" % i: os.urandom(n) for i, n in enumerate((0, 1, 4096, 300000))}
        for k, v in canaries.items():
            s3.put_object(Bucket=BUCKET, Key=k, Body=v)
        upload_id = s3.create_multipart_upload(Bucket=BUCKET, Key="fz/mp")["UploadId"]

        fuzz = Fuzzer(random.Random(SEED), upload_id)
        acknowledged, failures, statuses, sent = set(), [], {}, 0
        codes, chunked_statuses = {}, {}
        start = time.time()
        while sent < COUNT and time.time() - start < TIME_LIMIT:
            made = fuzz.next()
            if made is None:
                continue
            kind, written, data = made
            sent += 1
            # A HEAD whose request line parses is answered without bodies.
            head_request = re.match(rb"HEAD [^\x00-\x20\x7f]+ HTTP/1\.[01]\r\n", data) is not None
            try:
                replies = parse_replies(exchange(data), head_request)
            except (ValueError, TimeoutError, OSError) as e:
                failures.append((kind, str(e), data[:600]))
                continue
            for i, (status, headers, body) in enumerate(replies):
                statuses[status] = statuses.get(status, 0) + 1
                code = re.search(rb"<Code>([^<]*)</Code>", body)
                if code:
                    codes[code.group(1).decode()] = codes.get(code.group(1).decode(), 0) + 1
                if kind == "signed chunks":
                    chunked_statuses[status] = chunked_statuses.get(status, 0) + 1
                why = check_reply(status, headers, body, head_request and i == 0)
                if why:
                    failures.append((kind, why, data[:600]))
            if written and any(200 <= st < 300 for st, _, _ in replies):
                acknowledged.add(written)
            self.assertIsNone(SERVER.proc.poll(), "bale serve died on:\n%r" % data[:2000])
        elapsed = time.time() - start
        print("\n%d requests in %.1f s (seed %d); answers by status: %s" % (
            sent, elapsed, SEED, dict(sorted(statuses.items()))), file=sys.stderr)
        print("error codes: %s\nsigned chunks, by status: %s" % (
            dict(sorted(codes.items(), key=lambda kv: -kv[1])), dict(sorted(chunked_statuses.items()))),
            file=sys.stderr)
        self.assertGreaterEqual(sent, min(COUNT, 500), "too few requests in the time limit")
        if os.environ.get("BALE_FUZZ_DUMP"):
            for f in failures:
                print(repr(f), file=sys.stderr)
        self.assertEqual(failures[:5], [], "%d of %d requests broke a rule" % (len(failures), sent))
        # Both kinds reached past authentication and past the parser.
        self.assertGreater(statuses.get(200, 0), 0)
        self.assertGreater(statuses.get(403, 0), 0)
        self.assertGreater(statuses.get(400, 0), 0)
        self.assertGreater(chunked_statuses.get(200, 0), 0)  # the unmutated ones
        self.assertGreater(codes.get("SignatureDoesNotMatch", 0), 0)

        # The server still serves, and what it held before is intact.
        self.assertIsNone(SERVER.proc.poll())
        for k, v in canaries.items():
            self.assertEqual(s3.get_object(Bucket=BUCKET, Key=k)["Body"].read(), v, k)
        # Whatever the fuzzing left visible was acknowledged and reads back whole.
        listed = []
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix="fz/"):
            listed += page.get("Contents", [])
        for o in listed:
            self.assertIn(o["Key"], acknowledged)
            got = s3.get_object(Bucket=BUCKET, Key=o["Key"])
            data = got["Body"].read()
            self.assertEqual(len(data), o["Size"], o["Key"])
            etag = o["ETag"].strip('"')
            if "-" not in etag:
                self.assertEqual(hashlib.md5(data).hexdigest(), etag, o["Key"])


if __name__ == "__main__":
    unittest.main()

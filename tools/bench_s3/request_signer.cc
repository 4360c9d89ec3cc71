#include "tools/bench_s3/request_signer.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>

#include <cstdlib>

#include "auth/amz_date.h"
#include "auth/signing_key.h"

namespace bale::bench_s3 {
namespace {

constexpr size_t kDateLength = 8;  // "YYYYMMDD" leads the timestamp
constexpr size_t kSha256Bytes = 32;
constexpr std::string_view kSignedHeaders = "host;x-amz-content-sha256;x-amz-date";

// OpenSSL fails these calls only when out of memory; a wrong signature would
// be worse than stopping.
void Check(int ok) {
  if (ok != 1) std::abort();
}

void AppendHex(const unsigned char* bytes, size_t size, char* out) {
  static constexpr char kDigits[] = "0123456789abcdef";
  for (size_t i = 0; i < size; i++) {
    out[2 * i] = kDigits[bytes[i] >> 4];
    out[2 * i + 1] = kDigits[bytes[i] & 15];
  }
}

}  // namespace

struct RequestSigner::Crypto {
  EVP_MD* sha256 = nullptr;
  EVP_MD_CTX* digest = nullptr;
  EVP_MAC* hmac = nullptr;
  EVP_MAC_CTX* mac = nullptr;  // keyed with the day's signing key

  Crypto() {
    sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    digest = EVP_MD_CTX_new();
    hmac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    mac = hmac ? EVP_MAC_CTX_new(hmac) : nullptr;
    if (!sha256 || !digest || !hmac || !mac) std::abort();
  }
  ~Crypto() {
    EVP_MAC_CTX_free(mac);
    EVP_MAC_free(hmac);
    EVP_MD_CTX_free(digest);
    EVP_MD_free(sha256);
  }

  void SetKey(std::string_view key) {
    char digest_name[] = "SHA256";
    OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest_name, 0),
                           OSSL_PARAM_construct_end()};
    Check(
        EVP_MAC_init(mac, reinterpret_cast<const unsigned char*>(key.data()), key.size(), params));
  }

  void Sha256Hex(std::string_view data, char* hex) {
    unsigned char out[kSha256Bytes];
    Check(EVP_DigestInit_ex2(digest, sha256, nullptr));
    Check(EVP_DigestUpdate(digest, data.data(), data.size()));
    Check(EVP_DigestFinal_ex(digest, out, nullptr));
    AppendHex(out, sizeof out, hex);
  }

  // HMAC under the key of SetKey: EVP_MAC_init with no key reuses it.
  void HmacHex(std::string_view data, char* hex) {
    unsigned char out[kSha256Bytes];
    size_t size = 0;
    Check(EVP_MAC_init(mac, nullptr, 0, nullptr));
    Check(EVP_MAC_update(mac, reinterpret_cast<const unsigned char*>(data.data()), data.size()));
    Check(EVP_MAC_final(mac, out, &size, sizeof out));
    AppendHex(out, sizeof out, hex);
  }
};

RequestSigner::RequestSigner(auth::SigningCredentials credentials, std::string host)
    : credentials_(std::move(credentials)),
      host_(std::move(host)),
      crypto_(std::make_unique<Crypto>()) {}

RequestSigner::~RequestSigner() = default;

void RequestSigner::SetSecond(int64_t unix_seconds) {
  second_ = unix_seconds;
  timestamp_ = auth::FormatAmzDate(unix_seconds);
  std::string_view day = std::string_view(timestamp_).substr(0, kDateLength);
  if (day != day_) {
    day_ = day;
    crypto_->SetKey(auth::DeriveSigningKey(credentials_.secret, day_, credentials_.region,
                                           credentials_.service));
  }
  const std::string scope = auth::SigningScope(credentials_, timestamp_);
  credential_ = credentials_.access_key + "/" + scope;
  to_sign_prefix_ = "AWS4-HMAC-SHA256\n" + timestamp_ + "\n" + scope + "\n";
}

void RequestSigner::AppendSignedHeaders(std::string_view method, std::string_view path,
                                        std::string_view canonical_query,
                                        std::string_view payload_hash, int64_t unix_seconds,
                                        std::string* out) {
  if (unix_seconds != second_) SetSecond(unix_seconds);
  std::string& c = canonical_;
  c.clear();
  c.append(method).push_back('\n');
  c.append(path.empty() ? "/" : path).push_back('\n');
  c.append(canonical_query).push_back('\n');
  c.append("host:").append(host_).push_back('\n');
  c.append("x-amz-content-sha256:").append(payload_hash).push_back('\n');
  c.append("x-amz-date:").append(timestamp_).append("\n\n");
  c.append(kSignedHeaders).push_back('\n');
  c.append(payload_hash);

  to_sign_.assign(to_sign_prefix_);
  const size_t hash_at = to_sign_.size();
  to_sign_.resize(hash_at + 2 * kSha256Bytes);
  crypto_->Sha256Hex(c, to_sign_.data() + hash_at);
  crypto_->HmacHex(to_sign_, signature_hex_);

  out->append("Host: ").append(host_).append("\r\n");
  out->append("x-amz-content-sha256: ").append(payload_hash).append("\r\n");
  out->append("x-amz-date: ").append(timestamp_).append("\r\n");
  out->append("Authorization: AWS4-HMAC-SHA256 Credential=").append(credential_);
  out->append(", SignedHeaders=").append(kSignedHeaders);
  out->append(", Signature=").append(signature_hex_, sizeof signature_hex_).append("\r\n");
}

}  // namespace bale::bench_s3

// The real server over TLS with a certificate made here (EC P-256, self-signed, naming only
// 127.0.0.1), and the real client trusting it, or not.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

#include "net/http.hpp"

namespace sparkplane::net {
namespace {

namespace fs = std::filesystem;

// A temporary folder with cert.pem and key.pem for CN=test, subjectAltName IP:127.0.0.1.
class Certificate {
 public:
  Certificate()
      : dir_(fs::temp_directory_path() / ("sparkplane-tls-test-" + std::to_string(::getpid()))) {
    fs::create_directories(dir_);
    EVP_PKEY* key = EVP_EC_gen("P-256");
    X509* cert = X509_new();
    X509_set_version(cert, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
    X509_gmtime_adj(X509_getm_notBefore(cert), -60);
    X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
    X509_set_pubkey(cert, key);
    X509_NAME* name = X509_get_subject_name(cert);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>("test"), -1, -1, 0);
    X509_set_issuer_name(cert, name);
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
    X509_EXTENSION* san = X509V3_EXT_conf_nid(nullptr, &ctx, NID_subject_alt_name, "IP:127.0.0.1");
    X509_add_ext(cert, san, -1);
    X509_EXTENSION_free(san);
    X509_sign(cert, key, EVP_sha256());
    FILE* out = std::fopen(cert_file().c_str(), "w");
    PEM_write_X509(out, cert);
    std::fclose(out);
    out = std::fopen(key_file().c_str(), "w");
    PEM_write_PrivateKey(out, key, nullptr, nullptr, 0, nullptr, nullptr);
    std::fclose(out);
    X509_free(cert);
    EVP_PKEY_free(key);
  }
  ~Certificate() { fs::remove_all(dir_); }
  std::string cert_file() const { return (dir_ / "cert.pem").string(); }
  std::string key_file() const { return (dir_ / "key.pem").string(); }

 private:
  fs::path dir_;
};

std::unique_ptr<HttpServer> StartTls(const Certificate& c) {
  ServerOptions options;
  options.tls_cert_file = c.cert_file();
  options.tls_key_file = c.key_file();
  auto server = HttpServer::Start(options, [](const Request& req) {
    Response r;
    r.content_type = "text/plain";
    if (req.path == "/stream") {
      auto n = std::make_shared<int>(0);
      r.stream = [n](std::string& chunk) {
        chunk = "line " + std::to_string((*n)++) + "\n";
        return *n < 3;
      };
      return r;
    }
    r.body = req.method + " " + req.path + " body=" + req.body;
    return r;
  });
  EXPECT_TRUE(server.has_value()) << server.error().message;
  return std::move(*server);
}

TEST(TlsTest, RoundTripsKeepAliveAndStreamsOverHttps) {
  Certificate c;
  auto server = StartTls(c);
  HttpClient client(TlsClientOptions{c.cert_file()});
  std::string base = "https://127.0.0.1:" + std::to_string(server->port());
  for (int i = 0; i < 2; ++i) {  // the second request reuses the TLS connection
    ClientRequest req;
    req.method = "POST";
    req.url = base + "/a";
    req.body = "x" + std::to_string(i);
    auto res = client.Send(req);
    ASSERT_TRUE(res.has_value()) << res.error().message;
    EXPECT_EQ(res->status, 200);
    EXPECT_EQ(res->body, "POST /a body=x" + std::to_string(i));
  }
  std::string streamed;
  ClientRequest req;
  req.url = base + "/stream";
  req.on_chunk = [&](std::string_view chunk) {
    streamed += chunk;
    return true;
  };
  auto res = client.Send(req);
  ASSERT_TRUE(res.has_value()) << res.error().message;
  EXPECT_EQ(streamed, "line 0\nline 1\nline 2\n");
  ClientRequest after;
  after.url = base + "/after-stream";
  auto again = client.Send(after);
  ASSERT_TRUE(again.has_value()) << again.error().message;
  EXPECT_EQ(again->body, "GET /after-stream body=");
}

TEST(TlsTest, ClientRefusesAnUntrustedCertificate) {
  Certificate c;
  auto server = StartTls(c);
  ClientRequest req;
  req.url = "https://127.0.0.1:" + std::to_string(server->port()) + "/a";
  auto res = Fetch(req);  // the system's CAs do not include the test certificate
  ASSERT_FALSE(res.has_value());
  EXPECT_EQ(res.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(res.error().message.find("certificate verify failed"), std::string::npos)
      << res.error().message;
}

TEST(TlsTest, ClientRefusesACertificateForAnotherHost) {
  Certificate c;
  auto server = StartTls(c);
  HttpClient client(TlsClientOptions{c.cert_file()});
  ClientRequest req;
  req.url =
      "https://localhost:" + std::to_string(server->port()) + "/a";  // it names 127.0.0.1 only
  auto res = client.Send(req);
  ASSERT_FALSE(res.has_value());
  EXPECT_NE(res.error().message.find("TLS handshake with localhost"), std::string::npos)
      << res.error().message;
}

TEST(TlsTest, PlainHttpToATlsServerFailsWithoutHanging) {
  Certificate c;
  auto server = StartTls(c);
  ClientRequest req;
  req.url = "http://127.0.0.1:" + std::to_string(server->port()) + "/a";
  req.timeout_seconds = 10;
  auto res = Fetch(req);
  EXPECT_FALSE(res.has_value() && res->status == 200);
}

TEST(TlsTest, StartRefusesUnusableFiles) {
  Certificate c;
  ServerOptions options;
  options.tls_cert_file = c.key_file();
  options.tls_key_file = c.key_file();
  auto swapped = HttpServer::Start(options, [](const Request&) { return Response{}; });
  ASSERT_FALSE(swapped.has_value());
  EXPECT_EQ(swapped.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(swapped.error().message.find("cannot use the TLS certificate " + c.key_file()),
            std::string::npos);
  options.tls_cert_file = c.cert_file();
  options.tls_key_file = "/no/such/key.pem";
  auto missing = HttpServer::Start(options, [](const Request&) { return Response{}; });
  ASSERT_FALSE(missing.has_value());
  EXPECT_NE(missing.error().message.find("cannot use the TLS key /no/such/key.pem"),
            std::string::npos);
  options.tls_key_file = "";
  auto half = HttpServer::Start(options, [](const Request&) { return Response{}; });
  ASSERT_FALSE(half.has_value());
  EXPECT_EQ(half.error().code, ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace sparkplane::net

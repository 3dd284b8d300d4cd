#include "api/tokens.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <fmt/format.h>

#include "common/util.hpp"

namespace sparkplane::api {

std::string TokenDigest(std::string_view token) {
  // Fetched once: an implicit fetch on every call costs more than the hash itself.
  static EVP_MD* const sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(token.data(), token.size(), digest, &length, sha256, nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex(2 * length, '0');
  for (unsigned int i = 0; i < length; ++i) {
    hex[2 * i] = kHex[digest[i] >> 4];
    hex[2 * i + 1] = kHex[digest[i] & 15];
  }
  return hex;
}

Result<std::string> CreateToken(store::Store& store, const std::string& name) {
  unsigned char random[20];
  if (RAND_bytes(random, sizeof random) != 1) return Fail(ErrorCode::kInternal, "no secure randomness available");
  std::string token = "sp_";
  for (unsigned char b : random) token += fmt::format("{:02x}", b);
  SPARKPLANE_TRY(store.InsertToken(TokenDigest(token), name, NowMillis()));
  return token;
}

}  // namespace sparkplane::api

// Token digests are stored: their text must never change between versions.
#include "api/tokens.hpp"

#include <gtest/gtest.h>

namespace sparkplane::api {
namespace {

TEST(TokensTest, DigestIsLowercaseHexSha256) {
  EXPECT_EQ(TokenDigest("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(TokenDigest(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

}  // namespace
}  // namespace sparkplane::api

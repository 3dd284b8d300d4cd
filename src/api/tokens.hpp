// API bearer tokens: generated at random, stored only as SHA-256 digests.
#pragma once

#include <string>
#include <string_view>

#include "common/result.hpp"
#include "store/store.hpp"

namespace sparkplane::api {

std::string TokenDigest(std::string_view token);

// Creates a token, stores its digest under `name` and returns the token (shown once).
Result<std::string> CreateToken(store::Store& store, const std::string& name);

}  // namespace sparkplane::api

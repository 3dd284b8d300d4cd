// Versioned schema migrations shared by every Store backend (plain SQL both engines accept).
#pragma once

#include <span>
#include <string_view>

namespace sparkplane::store {

// Migration i (0-based) brings the schema from version i to i + 1.
std::span<const std::string_view> Migrations();

}  // namespace sparkplane::store

// How commands print: aligned tables for people, JSON for scripts, and the fields of an app.
#pragma once

#include <boost/json/value.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace sparkplane::cli {

// A member of a JSON object as text: strings as they are, other values serialized; "" if absent.
std::string Str(const boost::json::value& v, std::string_view key);
// Like Str on a nested member, e.g. Str2(app, "job", "id").
std::string Str2(const boost::json::value& v, std::string_view outer, std::string_view inner);

// "42s" / "3m05s" from startedAt to endedAt (or now while running); "-" before it starts.
std::string Duration(const boost::json::value& app);

// Rows as columns separated by two spaces; the first row is usually the header.
std::string FormatTable(const std::vector<std::vector<std::string>>& rows);
void PrintTable(const std::vector<std::vector<std::string>>& rows);

// One JSON value on a line of its own on stdout.
void PrintJson(const boost::json::value& v);

// The fields of one app (GET app/{id}) as a two-column table, then its error message.
void PrintApp(const boost::json::value& app);

}  // namespace sparkplane::cli

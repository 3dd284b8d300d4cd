// Stands in for the generated console_assets.cpp when the build found no web/node_modules.
#include "api/console_assets.hpp"

namespace sparkplane::api {
namespace {

constexpr std::string_view kPage =
    "<!doctype html>\n<html lang=\"en\"><head><meta "
    "charset=\"utf-8\"><title>sparkplane</title></head>\n"
    "<body><main><h1>The console is not built</h1>\n"
    "<p>This server was built without the web console's packages. Run "
    "<code>scripts/setup.sh</code> "
    "(it runs <code>npm ci</code> in <code>web/</code>), then <code>scripts/build.sh</code>, and "
    "restart. "
    "The REST API under <code>/ocean/spark/</code> works meanwhile.</p></main></body></html>\n";

constexpr ConsoleAsset kAssets[] = {
    {"/index.html", "text/html; charset=utf-8", kPage, {}, "\"console-not-built\"", false},
};

}  // namespace

std::span<const ConsoleAsset> ConsoleAssets() { return kAssets; }
bool ConsoleBuilt() { return false; }

}  // namespace sparkplane::api

// The embedded console's serving rules: SPA fallback, 404 for missing files, caching, gzip,
// revalidation and the security headers. Runs against whichever assets this build embedded.
#include "api/console.hpp"

#include <gtest/gtest.h>

#include "api/console_assets.hpp"

namespace sparkplane::api {
namespace {

net::Request Get(std::string path) {
  net::Request r;
  r.method = "GET";
  r.path = r.target = std::move(path);
  return r;
}

std::string HeaderOf(const net::Response& r, std::string_view name) {
  for (auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return "";
}

TEST(ConsoleTest, PagesFallBackToIndexWithoutCaching) {
  for (std::string path : {"/", "/apps", "/apps/osc-1/app-1", "/signin"}) {
    auto r = ServeConsole(Get(path));
    ASSERT_TRUE(r.has_value()) << path;
    EXPECT_EQ(r->status, 200) << path;
    EXPECT_EQ(r->content_type, "text/html; charset=utf-8");
    EXPECT_NE(r->body.find("<!doctype html>"), std::string::npos);
    EXPECT_EQ(HeaderOf(*r, "Cache-Control"), "no-cache");
    std::string csp = HeaderOf(*r, "Content-Security-Policy");
    EXPECT_NE(csp.find("script-src 'self'"), std::string::npos);
    EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos);
    EXPECT_EQ(HeaderOf(*r, "X-Content-Type-Options"), "nosniff");
  }
}

TEST(ConsoleTest, ApiPathsAndOtherMethodsAreNotTheConsoles) {
  for (std::string path :
       {"/ocean/spark/app", "/api/v1/applications", "/console/session", "/healthz", "/metrics"}) {
    EXPECT_FALSE(ServeConsole(Get(path)).has_value()) << path;
  }
  auto post = Get("/apps");
  post.method = "POST";
  EXPECT_FALSE(ServeConsole(post).has_value());
}

TEST(ConsoleTest, MissingFilesAre404NotTheIndex) {
  for (std::string path : {"/assets/main-OLDHASH.js", "/favicon.ico", "/robots.txt"}) {
    auto r = ServeConsole(Get(path));
    ASSERT_TRUE(r.has_value()) << path;
    EXPECT_EQ(r->status, 404) << path;
  }
}

TEST(ConsoleTest, HashedAssetsAreImmutableGzippedAndRevalidated) {
  if (!ConsoleBuilt()) GTEST_SKIP() << "built without web/node_modules (the stand-in page only)";
  const ConsoleAsset* script = nullptr;
  for (auto& asset : ConsoleAssets()) {
    if (asset.path.starts_with("/assets/") && asset.path.ends_with(".js")) script = &asset;
  }
  ASSERT_NE(script, nullptr);
  auto request = Get(std::string(script->path));
  auto plain = ServeConsole(request);
  ASSERT_TRUE(plain.has_value());
  EXPECT_EQ(plain->status, 200);
  EXPECT_EQ(plain->body, script->body);
  EXPECT_EQ(plain->content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(HeaderOf(*plain, "Cache-Control"), "public, max-age=31536000, immutable");
  EXPECT_EQ(HeaderOf(*plain, "Content-Encoding"), "");

  request.headers["Accept-Encoding"] = "br, gzip, deflate";
  auto gzipped = ServeConsole(request);
  EXPECT_EQ(HeaderOf(*gzipped, "Content-Encoding"), "gzip");
  EXPECT_EQ(gzipped->body, script->gzip);
  EXPECT_LT(gzipped->body.size(), plain->body.size());
  EXPECT_EQ(HeaderOf(*gzipped, "Vary"), "Accept-Encoding");

  request.headers["Accept-Encoding"] = "gzip;q=0, identity";
  EXPECT_EQ(HeaderOf(*ServeConsole(request), "Content-Encoding"), "");

  request.headers["If-None-Match"] = HeaderOf(*plain, "ETag");
  auto revalidated = ServeConsole(request);
  EXPECT_EQ(revalidated->status, 304);
  EXPECT_TRUE(revalidated->body.empty());
}

TEST(ConsoleTest, IndexNamesItsHashedScriptAndNoInlineScript) {
  if (!ConsoleBuilt()) GTEST_SKIP() << "built without web/node_modules (the stand-in page only)";
  auto index = ServeConsole(Get("/"));
  ASSERT_TRUE(index.has_value());
  EXPECT_NE(index->body.find("<script type=\"module\" src=\"/assets/main-"), std::string::npos);
  EXPECT_EQ(index->body.find("<script>"), std::string::npos);
}

}  // namespace
}  // namespace sparkplane::api

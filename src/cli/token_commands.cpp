// token create | list | revoke: API tokens, written straight into the server's store (whoever
// can read the data folder or the store URL administers the server).
#include <fmt/format.h>

#include <boost/json.hpp>
#include <filesystem>
#include <iostream>
#include <memory>

#include "api/tokens.hpp"
#include "cli/command_groups.hpp"
#include "cli/command_support.hpp"
#include "cli/output.hpp"
#include "common/util.hpp"
#include "store/store.hpp"

namespace sparkplane::cli {
namespace json = boost::json;
namespace fs = std::filesystem;
namespace {

constexpr size_t kTokenIdLength = 12;  // the digest prefix `token list` shows
constexpr size_t kMinTokenIdLength = 8;

struct TokenFlags {
  std::string data_dir = "sparkplane-data";
  std::string store_url;
  std::string name = "cli";
  std::string id;
  bool json = false;
};

void AddStoreFlags(CLI::App* sub, TokenFlags& flags) {
  AddDataDirFlag(sub, flags.data_dir, "the server's data folder (its SQLite database)");
  sub->add_option("--store", flags.store_url,
                  "the server's postgresql:// store, when it runs on PostgreSQL")
      ->envname("SPARKPLANE_STORE");
}

// The store `serve` with the same --data-dir / --store uses; never a new empty database.
std::unique_ptr<store::Store> OpenServerStore(const TokenFlags& flags) {
  fs::path db = fs::path(flags.data_dir) / "sparkplane.db";
  std::error_code ec;
  if (flags.store_url.empty() && !fs::exists(db, ec)) {
    ExitWith({ErrorCode::kFailedPrecondition,
              fmt::format(
                  "no database at {}: pass the server's --data-dir (or set SPARKPLANE_DATA_DIR), "
                  "or --store postgresql://… (or SPARKPLANE_STORE) if it runs on PostgreSQL",
                  db.string()),
              {}});
  }
  return ValueOrExit(store::OpenStore(flags.store_url, db.string()));
}

std::string TokenId(const store::TokenRecord& t) { return t.digest.substr(0, kTokenIdLength); }

// The token `id` (a prefix of its digest, as `token list` shows) names, or exit 3 / 2.
store::TokenRecord FindToken(store::Store& store, const std::string& id) {
  if (id.size() < kMinTokenIdLength) {
    ExitUsage(fmt::format(
        "token id '{}' is too short: use the ID column of `sparkplane token list`", id));
  }
  std::vector<store::TokenRecord> matches;
  for (auto& t : ValueOrExit(store.ListTokens())) {
    if (t.digest.rfind(id, 0) == 0) matches.push_back(t);
  }
  if (matches.empty())
    ExitWith({ErrorCode::kNotFound, fmt::format("no token with id '{}'", id), {}});
  if (matches.size() > 1)
    ExitUsage(fmt::format("token id '{}' matches {} tokens: give more of it", id, matches.size()));
  return matches[0];
}

}  // namespace

void AddTokenCommands(CLI::App& app) {
  auto* token = app.add_subcommand("token", "manage API tokens (in the server's store)");
  token->require_subcommand(1);

  auto create = std::make_shared<TokenFlags>();
  auto* create_cmd = token->add_subcommand("create", "create a token and print it once");
  create_cmd->add_option("--name", create->name, "a label for the token")->capture_default_str();
  AddStoreFlags(create_cmd, *create);
  create_cmd->callback([create] {
    auto store = OpenServerStore(*create);
    std::cout << ValueOrExit(api::CreateToken(*store, create->name)) << "\n";
  });

  auto list = std::make_shared<TokenFlags>();
  auto* list_cmd =
      token->add_subcommand("list", "list tokens (their ids and names, never the tokens)");
  AddStoreFlags(list_cmd, *list);
  list_cmd->add_flag("--json", list->json, "print JSON for scripts");
  list_cmd->callback([list] {
    auto store = OpenServerStore(*list);
    auto tokens = ValueOrExit(store->ListTokens());
    if (list->json) {
      json::array out;
      for (auto& t : tokens) {
        out.push_back(
            {{"id", TokenId(t)}, {"name", t.name}, {"createdAt", FormatIsoMillis(t.created_at)}});
      }
      PrintJson(out);
      return;
    }
    std::vector<std::vector<std::string>> rows = {{"ID", "NAME", "CREATED"}};
    for (auto& t : tokens) rows.push_back({TokenId(t), t.name, FormatIsoMillis(t.created_at)});
    PrintTable(rows);
  });

  auto revoke = std::make_shared<TokenFlags>();
  auto* revoke_cmd =
      token->add_subcommand("revoke", "revoke a token: the server refuses it within a second");
  revoke_cmd->add_option("id", revoke->id, "the token's id from `sparkplane token list`")
      ->required();
  AddStoreFlags(revoke_cmd, *revoke);
  revoke_cmd->callback([revoke] {
    auto store = OpenServerStore(*revoke);
    store::TokenRecord found = FindToken(*store, revoke->id);
    OkOrExit(store->DeleteToken(found.digest));
    std::cout << fmt::format("revoked {} ({})\n", TokenId(found), found.name);
    // A revoked admin token left in the data folder would make every command fail with 401;
    // without the file, the next `serve` start creates a new admin token.
    fs::path admin = fs::path(revoke->data_dir) / "admin-token";
    auto saved = ReadFile(admin);
    std::string saved_token = saved ? *saved : "";
    while (!saved_token.empty() && (saved_token.back() == '\n' || saved_token.back() == '\r'))
      saved_token.pop_back();
    if (!saved_token.empty() && api::TokenDigest(saved_token) == found.digest) {
      std::error_code ec;
      fs::remove(admin, ec);
      std::cout << fmt::format(
          "removed {} (it held this token); the next `sparkplane serve` creates a new one\n",
          admin.string());
    }
  });
}

}  // namespace sparkplane::cli

// apps, app ID, logs ID, kill ID, issues ID.
#include <fmt/format.h>

#include <boost/json.hpp>
#include <iostream>
#include <memory>

#include "cli/command_groups.hpp"
#include "cli/command_support.hpp"
#include "cli/flag_values.hpp"
#include "cli/output.hpp"
#include "common/util.hpp"

namespace sparkplane::cli {
namespace json = boost::json;
namespace {

struct AppsFlags {
  ClientFlags client;
  std::string state, job, since;
  std::optional<int64_t> user;
  int64_t limit = 100;
};

void AddAppsCommand(CLI::App& app) {
  auto flags = std::make_shared<AppsFlags>();
  auto* apps = app.add_subcommand("apps", "list apps, newest first (--limit of them)");
  apps->add_option("--state", flags->state, "only apps in this state, e.g. RUNNING or FAILED");
  apps->add_option("--job", flags->job, "only runs of this job id");
  apps->add_option("--user", flags->user, "only apps of this user id");
  apps->add_option("--since", flags->since,
                   "only apps created since: an age (30m, 2h, 7d) or a time (2026-12-01)");
  apps->add_option("--limit", flags->limit,
                   "at most this many apps, paging through the API (0: all)")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  AddClientFlags(apps, flags->client);
  apps->callback([flags] {
    QueryParams params;
    if (!flags->state.empty())
      params.emplace_back("state", ValueOrExit(NormalizeAppState(flags->state)));
    params.emplace_back("jobId", flags->job);
    if (flags->user) params.emplace_back("userId", std::to_string(*flags->user));
    if (!flags->since.empty())
      params.emplace_back("minCreatedAt", ValueOrExit(SinceToIso(flags->since, NowMillis())));
    Client client = ConnectOrExit(flags->client);
    Listing listing = ValueOrExit(client.List("app", std::move(params), flags->limit));
    if (flags->client.json) {
      PrintJson(listing.items);
      return;
    }
    std::vector<std::vector<std::string>> rows = {{"ID", "JOB", "STATE", "CREATED", "DURATION"}};
    for (auto& a : listing.items) {
      rows.push_back({Str(a, "id"), Str2(a, "job", "id"), Str(a, "appState"), Str(a, "createdAt"),
                      Duration(a)});
    }
    PrintTable(rows);
    if (listing.total > static_cast<int64_t>(listing.items.size())) {
      std::cerr << fmt::format("({} of {} apps shown; --limit 0 shows all)\n", listing.items.size(),
                               listing.total);
    }
  });
}

struct AppIdFlags {
  ClientFlags client;
  std::string id;
  bool follow = false;
};

std::shared_ptr<AppIdFlags> AddAppIdCommand(CLI::App& app, const std::string& name,
                                            const std::string& help) {
  auto flags = std::make_shared<AppIdFlags>();
  auto* sub = app.add_subcommand(name, help);
  sub->add_option("id", flags->id, "app id")->required();
  AddClientFlags(sub, flags->client);
  return flags;
}

void PrintIssues(const json::value& issues) {
  std::vector<std::vector<std::string>> rows = {{"SEVERITY", "TYPE", "MESSAGE"}};
  for (auto& issue : issues.as_array()) {
    rows.push_back({Str(issue, "severity"), Str(issue, "errorType"), Str(issue, "abstract")});
  }
  PrintTable(rows);
}

}  // namespace

void AddAppCommands(CLI::App& app) {
  AddAppsCommand(app);

  auto show = AddAppIdCommand(app, "app", "show one app");
  app.get_subcommand("app")->callback([show] {
    Client client = ConnectOrExit(show->client);
    json::value items = ValueOrExit(client.Call("GET", "app/" + show->id));
    if (show->client.json) {
      PrintJson(items.at(0));
    } else {
      PrintApp(items.at(0));
    }
  });

  auto logs = AddAppIdCommand(app, "logs", "print an app's driver log");
  app.get_subcommand("logs")->add_flag("-f,--follow", logs->follow,
                                       "keep printing until the app ends");
  app.get_subcommand("logs")->callback([logs] {
    Client client = ConnectOrExit(logs->client);
    OkOrExit(client.Stream("app/" + logs->id + "/log/live" + (logs->follow ? "?follow=true" : "")));
  });

  auto kill = AddAppIdCommand(app, "kill", "kill an app (a pending one is cancelled)");
  app.get_subcommand("kill")->callback([kill] {
    Client client = ConnectOrExit(kill->client);
    json::value items = ValueOrExit(client.Call("DELETE", "app/" + kill->id));
    if (kill->client.json) {
      PrintJson(items.at(0));
    } else {
      std::cout << kill->id << ": " << Str(items.at(0), "appState") << "\n";
    }
  });

  auto issues = AddAppIdCommand(app, "issues", "an app's errors and warnings from its driver log");
  app.get_subcommand("issues")->callback([issues] {
    Client client = ConnectOrExit(issues->client);
    json::value items = ValueOrExit(client.Call("GET", "app/" + issues->id + "/issues"));
    if (issues->client.json) {
      PrintJson(items);
    } else if (items.as_array().empty()) {
      std::cout << "no issues\n";
    } else {
      PrintIssues(items);
    }
  });
}

}  // namespace sparkplane::cli

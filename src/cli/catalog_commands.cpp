// templates, template ID, jobs, job ID: the config templates and jobs of the cluster.
#include <fmt/format.h>

#include <boost/json.hpp>
#include <iostream>
#include <memory>

#include "cli/command_groups.hpp"
#include "cli/command_support.hpp"
#include "cli/output.hpp"

namespace sparkplane::cli {
namespace json = boost::json;
namespace {

struct ListFlags {
  ClientFlags client;
  std::string id;
  int64_t limit = 100;
  int64_t runs = 10;
};

void AddTemplateCommands(CLI::App& app) {
  auto list = std::make_shared<ListFlags>();
  auto* templates = app.add_subcommand("templates", "list config templates");
  AddClientFlags(templates, list->client);
  templates->callback([list] {
    Client client = ConnectOrExit(list->client);
    json::value items = ValueOrExit(client.Call("GET", "configTemplate"));
    if (list->client.json) {
      PrintJson(items);
      return;
    }
    std::vector<std::vector<std::string>> rows = {{"ID", "NAME", "CREATED", "UPDATED"}};
    for (auto& t : items.as_array()) {
      rows.push_back(
          {Str(t, "id"), Str(t, "displayName"), Str(t, "createdAt"), Str(t, "updatedAt")});
    }
    PrintTable(rows);
  });

  auto one = std::make_shared<ListFlags>();
  auto* show = app.add_subcommand("template", "show one config template and its ApplicationSpec");
  show->add_option("id", one->id, "template id")->required();
  AddClientFlags(show, one->client);
  show->callback([one] {
    Client client = ConnectOrExit(one->client);
    json::value items = ValueOrExit(client.Call("GET", "configTemplate/" + one->id));
    const json::value& t = items.at(0);
    if (one->client.json) {
      PrintJson(t);
      return;
    }
    PrintTable(
        {{"id", Str(t, "id")}, {"name", Str(t, "displayName")}, {"updated", Str(t, "updatedAt")}});
    std::cout << "config: " << Str(t, "config") << "\n";
  });
}

void AddJobCommands(CLI::App& app) {
  auto list = std::make_shared<ListFlags>();
  auto* jobs = app.add_subcommand("jobs", "list jobs (runs of the same code), newest first");
  jobs->add_option("--limit", list->limit,
                   "at most this many jobs, paging through the API (0: all)")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  AddClientFlags(jobs, list->client);
  jobs->callback([list] {
    Client client = ConnectOrExit(list->client);
    Listing listing = ValueOrExit(client.List("job", {}, list->limit));
    if (list->client.json) {
      PrintJson(listing.items);
      return;
    }
    std::vector<std::vector<std::string>> rows = {{"ID", "LAST APP", "LAST STATE", "UPDATED"}};
    for (auto& j : listing.items) {
      rows.push_back({Str(j, "id"), Str2(j, "lastApp", "id"), Str2(j, "lastApp", "appState"),
                      Str(j, "updatedAt")});
    }
    PrintTable(rows);
    if (listing.total > static_cast<int64_t>(listing.items.size())) {
      std::cerr << fmt::format("({} of {} jobs shown; --limit 0 shows all)\n", listing.items.size(),
                               listing.total);
    }
  });

  auto one = std::make_shared<ListFlags>();
  auto* show = app.add_subcommand("job", "show one job: its config and latest runs");
  show->add_option("id", one->id, "job id")->required();
  show->add_option("--runs", one->runs, "how many of its latest runs to list")
      ->capture_default_str()
      ->check(CLI::Range(0, 1000));
  AddClientFlags(show, one->client);
  show->callback([one] {
    Client client = ConnectOrExit(one->client);
    json::value items = ValueOrExit(client.Call("GET", "job/" + one->id));
    json::value job = items.at(0);
    Listing runs;
    if (one->runs > 0) runs = ValueOrExit(client.List("app", {{"jobId", one->id}}, one->runs));
    if (one->client.json) {
      job.as_object()["runs"] = runs.items;
      PrintJson(job);
      return;
    }
    PrintTable({{"id", Str(job, "id")},
                {"created", Str(job, "createdAt")},
                {"updated", Str(job, "updatedAt")},
                {"runs", std::to_string(runs.total)}});
    if (auto config = Str(job, "config"); !config.empty())
      std::cout << "config: " << config << "\n";
    if (runs.items.empty()) return;
    std::cout << "\n";
    std::vector<std::vector<std::string>> rows = {{"APP", "STATE", "CREATED", "DURATION"}};
    for (auto& a : runs.items)
      rows.push_back({Str(a, "id"), Str(a, "appState"), Str(a, "createdAt"), Duration(a)});
    PrintTable(rows);
  });
}

}  // namespace

void AddCatalogCommands(CLI::App& app) {
  AddTemplateCommands(app);
  AddJobCommands(app);
}

}  // namespace sparkplane::cli

#include "store/records.hpp"

#include <array>

namespace sparkplane::store {
namespace {

constexpr std::array<std::pair<AppState, std::string_view>, 7> kStateNames{{
    {AppState::kPending, "PENDING"},
    {AppState::kRunning, "RUNNING"},
    {AppState::kCompleted, "COMPLETED"},
    {AppState::kCompletedWithWarnings, "COMPLETED_WITH_WARNINGS"},
    {AppState::kFailed, "FAILED"},
    {AppState::kKilled, "KILLED"},
    {AppState::kTimedOut, "TIMED_OUT"},
}};

}  // namespace

std::string_view AppStateName(AppState state) {
  for (auto& [s, name] : kStateNames)
    if (s == state) return name;
  return "PENDING";
}

std::optional<AppState> ParseAppState(std::string_view name) {
  for (auto& [s, n] : kStateNames)
    if (n == name) return s;
  return std::nullopt;
}

bool IsTerminal(AppState state) {
  return state != AppState::kPending && state != AppState::kRunning;
}

}  // namespace sparkplane::store

#include "store/store.hpp"

namespace sparkplane::store {

int64_t Store::SortKey(const AppRecord& app, AppOrderBy order_by) {
  switch (order_by) {
    case AppOrderBy::kCreatedAt: return app.created_at;
    case AppOrderBy::kCostInCents: return 0;
    case AppOrderBy::kDuration:
      return app.started_at > 0 && app.ended_at > 0 ? app.ended_at - app.started_at : 0;
  }
  return app.created_at;
}

bool IsLiveNode(const NodeRecord& node) { return node.ended_at == 0; }

}  // namespace sparkplane::store

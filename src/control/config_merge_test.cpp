#include "control/config_merge.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

namespace sparkplane::control {
namespace {
namespace json = boost::json;

json::object Obj(std::string_view text) { return json::parse(text).as_object(); }

TEST(ConfigMergeTest, HigherLayersWinKeyByKeyWithSources) {
  auto tmpl = Obj(R"({"sparkConf":{"a":"1","b":"1"},"driver":{"cores":2},"arguments":["x","y"]})");
  auto job = Obj(R"({"sparkConf":{"b":"2"},"arguments":["z"]})");
  auto defaults = Obj(R"({"sparkConf":{"c":"3","a":"d"},"driver":{"memory":"1g"}})");
  auto overrides = Obj(R"({"sparkConf":{"a":"o","we/ird~":"k"}})");
  ConfigLayer layers[] = {{"template:t", &tmpl}, {"jobConfig", &job}, {"autoTuning", nullptr},
                          {"platformDefaults", &defaults}, {"configOverrides", &overrides}};
  auto m = MergeConfig(layers);
  EXPECT_EQ(json::serialize(m.config),
            json::serialize(Obj(R"({"sparkConf":{"a":"o","b":"2","c":"3","we/ird~":"k"},)"
                                R"("driver":{"cores":2,"memory":"1g"},"arguments":["z"]})")));
  EXPECT_EQ(m.sources.at("/sparkConf/a"), "configOverrides");
  EXPECT_EQ(m.sources.at("/sparkConf/b"), "jobConfig");
  EXPECT_EQ(m.sources.at("/sparkConf/c"), "platformDefaults");
  EXPECT_EQ(m.sources.at("/driver/cores"), "template:t");
  EXPECT_EQ(m.sources.at("/driver/memory"), "platformDefaults");
  EXPECT_EQ(m.sources.at("/arguments"), "jobConfig");
  EXPECT_EQ(m.sources.at("/sparkConf/we~1ird~0"), "configOverrides");
  EXPECT_EQ(m.sources.size(), 7u);
}

TEST(ConfigMergeTest, ScalarReplacingObjectDropsOldSources) {
  auto low = Obj(R"({"executor":{"memory":{"strategy":"oomRecovery"}}})");
  auto high = Obj(R"({"executor":{"memory":"4g"}})");
  ConfigLayer layers[] = {{"low", &low}, {"high", &high}};
  auto m = MergeConfig(layers);
  EXPECT_EQ(m.config.at("executor").at("memory"), "4g");
  EXPECT_EQ(m.sources.size(), 1u);
  EXPECT_EQ(m.sources.at("/executor/memory"), "high");
}

// Found by bench/fuzz/submission_fuzz: an oomRecovery override over an autotuning template kept
// historySize, and the resolved config no longer validated.
TEST(ConfigMergeTest, MemoryStrategyAndTimeoutReplaceWhole) {
  auto low = Obj(R"({"executor":{"memory":{"strategy":"autotuning","historySize":5},"cores":2},)"
                 R"("timeout":{"minutes":60,"policy":"KILL"}})");
  auto high = Obj(R"({"executor":{"memory":{"strategy":"oomRecovery"}},"timeout":{"policy":"KILL","minutes":5}})");
  ConfigLayer layers[] = {{"low", &low}, {"high", &high}};
  auto m = MergeConfig(layers);
  EXPECT_EQ(json::serialize(m.config.at("executor")), R"({"memory":{"strategy":"oomRecovery"},"cores":2})");
  EXPECT_EQ(m.sources.at("/executor/memory/strategy"), "high");
  EXPECT_FALSE(m.sources.contains("/executor/memory/historySize"));
  EXPECT_EQ(m.sources.at("/executor/cores"), "low");
  EXPECT_EQ(m.sources.at("/timeout/minutes"), "high");
}

}  // namespace
}  // namespace sparkplane::control

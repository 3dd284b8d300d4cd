#include "fleet/catalog.hpp"

#include <gtest/gtest.h>

#include "fleet/node_group.hpp"
#include "fleet/test_util.hpp"

namespace sparkplane::fleet {
namespace {

TEST(Catalog, LoadsReferenceFile) {
  auto& c = testing::ReferenceCatalog();
  EXPECT_EQ(c.Size(), 1101);
  int i = c.Find("m5.xlarge");
  ASSERT_GE(i, 0);
  auto& t = c.Type(i);
  EXPECT_EQ(t.vcpu, 4);
  EXPECT_EQ(t.memory_mib, 16384);
  EXPECT_DOUBLE_EQ(t.ondemand_usd_per_hour, 0.192);
  EXPECT_EQ(t.family, "m5");
  EXPECT_EQ(t.architecture, "amd64");
}

TEST(Catalog, AllocatableFollowsKarpenterFormula) {
  CatalogOptions o;
  // 4 vCPU: 60 + 10 + 5 + 5 = 80m reserved.
  EXPECT_EQ(KubeReservedCpuMilli(4), 80);
  // 16 vCPU: 80 + 12 × 2.5 = 110m.
  EXPECT_EQ(KubeReservedCpuMilli(16), 110);
  Resources a = Allocatable(4, 16384, o);
  EXPECT_EQ(a.cpu_milli, 3920);
  // 16384 − ceil(7.5%) 1229 − (255 + 11×110) − 100 = 13590.
  EXPECT_EQ(a.memory_mib, 13590);
  // A 4-core executor does not fit a 4-vCPU node (infra-tuning.md §A1).
  auto& c = testing::ReferenceCatalog();
  EXPECT_FALSE(c.Type(c.Find("m5.xlarge")).allocatable.Fits({4000, 1024}));
  EXPECT_TRUE(c.Type(c.Find("m5.2xlarge")).allocatable.Fits({4000, 1024}));
}

TEST(Catalog, SpotModelIsSeededPerFamilyAndBanded) {
  auto& c = testing::ReferenceCatalog();
  auto& a = c.Type(c.Find("m5.xlarge"));
  auto& b = c.Type(c.Find("m5.2xlarge"));
  EXPECT_DOUBLE_EQ(a.spot_discount, b.spot_discount);  // per family
  for (auto& t : c.Types()) {
    ASSERT_GE(t.spot_discount, 0.6);
    ASSERT_LE(t.spot_discount, 0.9);
    ASSERT_GE(t.interruption_band, 0);
    ASSERT_LE(t.interruption_band, 4);
    ASSERT_LT(t.spot_usd_per_hour, t.ondemand_usd_per_hour);
  }
  EXPECT_EQ(SpotDiscount("m5", 1), SpotDiscount("m5", 1));
  EXPECT_NE(SpotDiscount("m5", 1), SpotDiscount("m5", 2));
  // Band rates: <5% band has the lowest hourly rate.
  EXPECT_LT(BandMonthlyProbability(0), BandMonthlyProbability(4));
}

TEST(Catalog, MalformedRowsNameFileAndLineAndLoadNothing) {
  const std::string header = "instance_type,family,vcpu,memory_mib,gpu,architecture,ondemand_usd_per_hour\n";
  const std::string good = "m5.large,m5,2,8192,0,amd64,0.096\n";
  struct Case {
    std::string row;
    std::string expect;
  };
  std::vector<Case> cases = {
      {"m5.xlarge,m5,four,16384,0,amd64,0.192\n", "cat.csv:3: column 'vcpu'"},
      {"m5.xlarge,m5,4,16384,0,amd64\n", "cat.csv:3: expected 7 fields"},
      {"m5.xlarge,m5,4,16384,0,amd64,-1\n", "cat.csv:3: ondemand_usd_per_hour must be > 0"},
      {"m5.xlarge,m5,4,0,0,amd64,0.1\n", "cat.csv:3: memory_mib must be > 0"},
      {",m5,4,16384,0,amd64,0.1\n", "cat.csv:3: empty instance_type"},
      {"m5.large,m5,2,8192,0,amd64,0.096\n", "duplicate instance_type 'm5.large'"},
  };
  for (auto& c : cases) {
    auto r = ParseCatalog(header + good + c.row, "cat.csv", {});
    ASSERT_FALSE(r.has_value()) << c.row;
    EXPECT_NE(r.error().message.find(c.expect), std::string::npos) << r.error().message;
  }
  auto missing = ParseCatalog("instance_type,vcpu\nm5.large,2\n", "cat.csv", {});
  ASSERT_FALSE(missing.has_value());
  EXPECT_NE(missing.error().message.find("missing column 'memory_mib'"), std::string::npos);
  EXPECT_FALSE(ParseCatalog("", "cat.csv", {}).has_value());
  EXPECT_TRUE(ParseCatalog(header + good, "cat.csv", {}).has_value());
}

}  // namespace
}  // namespace sparkplane::fleet

namespace sparkplane::fleet {
namespace {

// Used to abort the process (a check on input); a catalog of GPU and ARM types only is an error.
TEST(Catalog, DefaultGroupsOfACatalogWithoutGeneralPurposeTypesIsAnError) {
  InstanceType gpu;
  gpu.name = "p4d.24xlarge";
  gpu.family = "p4d";
  gpu.gpu = 8;
  gpu.architecture = "amd64";
  auto groups = DefaultNodeGroups(Catalog({gpu}));
  ASSERT_FALSE(groups.has_value());
  EXPECT_EQ(groups.error().code, ErrorCode::kInvalidArgument);
  EXPECT_TRUE(DefaultNodeGroups(testing::ReferenceCatalog()).has_value());
}

}  // namespace
}  // namespace sparkplane::fleet

#include "eventlog/segmented_vector.hpp"

#include <gtest/gtest.h>

#include <string>

namespace sparkplane::eventlog {
namespace {

TEST(SegmentedVectorTest, AppendsAcrossSegmentsWithoutMovingElements) {
  SegmentedVector<std::string, 4> v;
  EXPECT_TRUE(v.empty());
  v.push_back("0");
  const std::string* first = &v[0];
  for (int i = 1; i < 11; ++i) v.push_back(std::to_string(i));
  EXPECT_EQ(v.size(), 11u);
  EXPECT_EQ(first, &v[0]);  // a new segment never relocates the old ones
  EXPECT_EQ(v[4], "4");
  EXPECT_EQ(v[10], "10");
  std::string joined;
  for (const std::string& s : v) joined += s + ",";
  EXPECT_EQ(joined, "0,1,2,3,4,5,6,7,8,9,10,");
  v[3] = "three";
  const auto& cv = v;
  EXPECT_EQ(cv[3], "three");
}

}  // namespace
}  // namespace sparkplane::eventlog

#include "eventlog/storage.hpp"

#include <gtest/gtest.h>

#include "eventlog/app_builder.hpp"

namespace sparkplane::eventlog {
namespace {

std::string Block(const std::string& exec, const std::string& block, bool memory, int64_t size) {
  return R"({"Event":"SparkListenerBlockUpdated","Block Updated Info":{"Block Manager ID":)"
         R"({"Executor ID":")" +
         exec + R"(","Host":"h","Port":1},"Block ID":")" + block +
         R"(","Storage Level":{"Use Disk":false,"Use Memory":)" + (memory ? "true" : "false") +
         R"(,"Use Off Heap":false,"Deserialized":true,"Replication":1},"Memory Size":)" +
         std::to_string(size) + R"(,"Disk Size":0}})";
}

class StorageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* exec : {"1", "2"}) {
      b_.OnUnpaddedLine(
          std::string(R"({"Event":"SparkListenerBlockManagerAdded","Block Manager ID":)") +
          R"({"Executor ID":")" + exec +
          R"(","Host":"h","Port":1},"Maximum Memory":1000,"Timestamp":1,)"
          R"("Maximum Onheap Memory":1000,"Maximum Offheap Memory":0})");
    }
    b_.OnUnpaddedLine(
        R"({"Event":"SparkListenerStageSubmitted","Stage Info":{"Stage ID":0,"Stage Attempt ID":0,)"
        R"("Stage Name":"s","Number of Tasks":2,"RDD Info":[{"RDD ID":3,"Name":"cached",)"
        R"("Number of Partitions":2,"Storage Level":{"Use Disk":false,"Use Memory":true,)"
        R"("Use Off Heap":false,"Deserialized":true,"Replication":1}}],"Parent IDs":[]}})");
  }
  const RddInfo& Rdd() { return b_.model().rdds.at(3); }
  AppBuilder b_;
};

TEST_F(StorageTest, BlocksAddUpPerPartitionExecutorAndRdd) {
  b_.OnUnpaddedLine(Block("1", "rdd_3_0", true, 100));
  b_.OnUnpaddedLine(Block("2", "rdd_3_1", true, 50));
  b_.OnUnpaddedLine(Block("2", "broadcast_0_piece0", true, 7));
  b_.OnUnpaddedLine(Block("1", "rdd_99_0", true, 5));  // untracked RDD: executor only
  ASSERT_EQ(Rdd().partitions.size(), 2u);
  EXPECT_EQ(Rdd().memory_used, 150);
  ASSERT_EQ(Rdd().distributions.size(), 2u);
  EXPECT_EQ(Rdd().distributions[0].memory_remaining, 900);  // snapshot before rdd_99_0
  const Executor& e1 = *b_.model().FindExecutor("1");
  EXPECT_EQ(e1.memory_used, 105);
  EXPECT_EQ(e1.rdd_blocks, 1);
  EXPECT_EQ(b_.model().FindExecutor("2")->memory_used, 57);
  // Dropping a block (invalid level) removes the partition and the executor's distribution.
  b_.OnUnpaddedLine(Block("1", "rdd_3_0", false, 100));
  ASSERT_EQ(Rdd().partitions.size(), 1u);
  EXPECT_EQ(Rdd().partitions[0].block_name, "rdd_3_1");
  EXPECT_EQ(Rdd().distributions.size(), 1u);
  EXPECT_EQ(Rdd().memory_used, 50);
  EXPECT_EQ(b_.model().FindExecutor("1")->rdd_blocks, 0);
}

TEST_F(StorageTest, UnpersistAndExecutorLossReleaseBlocks) {
  b_.OnUnpaddedLine(Block("1", "rdd_3_0", true, 100));
  b_.OnUnpaddedLine(Block("2", "rdd_3_1", true, 50));
  b_.OnUnpaddedLine(
      R"({"Event":"SparkListenerExecutorRemoved","Timestamp":5,"Executor ID":"2","Removed Reason":"x"})");
  EXPECT_EQ(Rdd().partitions.size(), 1u);
  EXPECT_EQ(Rdd().memory_used, 100);
  b_.OnUnpaddedLine(R"({"Event":"SparkListenerUnpersistRDD","RDD ID":3})");
  EXPECT_EQ(b_.model().rdds.count(3), 0u);
  EXPECT_EQ(b_.model().FindExecutor("1")->memory_used, 0);
  EXPECT_EQ(b_.model().FindExecutor("1")->rdd_blocks, 0);
}

TEST(StorageOrderTest, ScalaMutableHashMapOrder) {
  // Slots in a 16-slot table (String.hashCode, h ^ h >>> 16): "0" 0, "1" 1, "driver" 4, "10" 15.
  std::vector<std::string_view> keys = {"10", "driver", "1", "0"};
  EXPECT_EQ(ScalaMutableHashOrder(keys), (std::vector<size_t>{3, 2, 1, 0}));
  EXPECT_EQ(StorageLevelDescription(true, true, false, false, 1),
            "Disk Memory Serialized 1x Replicated");
}

}  // namespace
}  // namespace sparkplane::eventlog

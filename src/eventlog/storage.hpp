// Storage accounting from block updates, as Spark's AppStatusListener keeps it: cached RDD
// partitions, per-executor distributions of each RDD, and executors' storage memory and disk.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "eventlog/model.hpp"

namespace sparkplane::eventlog {

struct BlockUpdate {
  std::string executor_id;
  std::string block_id;  // "rdd_<rdd>_<split>", "broadcast_<id>[_<piece>]", …
  bool use_disk = false, use_memory = false, use_off_heap = false, deserialized = false;
  int32_t replication = 1;
  int64_t memory_size = 0, disk_size = 0;
};

// SparkListenerBlockUpdated: RDD blocks update their RDD (if it is tracked) and the executor;
// broadcast blocks only the executor's memory; other blocks are ignored.
void ApplyBlockUpdate(AppModel& model, const BlockUpdate& update);
// SparkListenerUnpersistRDD: the RDD is forgotten, its blocks leave its executors' accounting.
void UnpersistRdd(AppModel& model, int32_t rdd_id);
// SparkListenerExecutorRemoved: the executor's distributions and block copies leave every RDD.
void RemoveExecutorBlocks(AppModel& model, const std::string& executor_id);

// Iteration order of a Scala 2.13 mutable.HashMap with these String keys (inserted in order).
std::vector<size_t> ScalaMutableHashOrder(const std::vector<std::string_view>& keys);

}  // namespace sparkplane::eventlog

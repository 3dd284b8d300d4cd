#include "eventlog/storage.hpp"

#include <algorithm>
#include <charconv>

namespace sparkplane::eventlog {
namespace {

int64_t AddDelta(int64_t value, int64_t delta) { return std::max<int64_t>(0, value + delta); }

// "rdd_<rdd>_<split>" → rdd id.
std::optional<int32_t> RddIdOf(std::string_view block) {
  if (!block.starts_with("rdd_")) return std::nullopt;
  block.remove_prefix(4);
  int32_t rdd = 0, split = 0;
  auto [p, ec] = std::from_chars(block.data(), block.data() + block.size(), rdd);
  if (ec != std::errc() || p == block.data() + block.size() || *p != '_') return std::nullopt;
  auto [q, ec2] = std::from_chars(p + 1, block.data() + block.size(), split);
  if (ec2 != std::errc() || q != block.data() + block.size()) return std::nullopt;
  return rdd;
}

Executor* LiveExecutor(AppModel& model, const std::string& id) {
  auto it = model.executors.find(id);
  return it == model.executors.end() || !it->second.active ? nullptr : &it->second;
}

void UpdateExecutorMemory(Executor& e, bool off_heap, int64_t memory_delta, int64_t disk_delta) {
  if (e.total_on_heap >= 0) {
    if (off_heap)
      e.used_off_heap = AddDelta(e.used_off_heap, memory_delta);
    else
      e.used_on_heap = AddDelta(e.used_on_heap, memory_delta);
  }
  e.memory_used = AddDelta(e.memory_used, memory_delta);
  e.disk_used = AddDelta(e.disk_used, disk_delta);
}

void Snapshot(RddDistribution& d, const Executor& e) {
  d.address = e.host_port.value_or(e.host);
  d.memory_remaining = e.max_memory - e.memory_used;
  d.has_memory_info = e.total_on_heap >= 0;
  d.on_heap_remaining = e.total_on_heap - e.used_on_heap;
  d.off_heap_remaining = e.total_off_heap - e.used_off_heap;
}

RddDistribution* FindDistribution(RddInfo& rdd, const std::string& executor) {
  for (auto& d : rdd.distributions) {
    if (d.executor_id == executor) return &d;
  }
  return nullptr;
}

void ApplyRddBlock(AppModel& model, const BlockUpdate& u, int32_t rdd_id) {
  bool valid = (u.use_memory || u.use_disk) && u.replication > 0;
  int64_t disk_delta = u.disk_size * (u.use_disk ? 1 : -1);
  int64_t memory_delta = u.memory_size * (u.use_memory ? 1 : -1);
  Executor* exec = LiveExecutor(model, u.executor_id);
  if (exec) UpdateExecutorMemory(*exec, u.use_off_heap, memory_delta, disk_delta);
  int rdd_blocks_delta = 0;
  auto it = model.rdds.find(rdd_id);
  if (it != model.rdds.end()) {
    RddInfo& rdd = it->second;
    auto part = std::find_if(rdd.partitions.begin(), rdd.partitions.end(),
                             [&](const RddPartition& p) { return p.block_name == u.block_id; });
    if (part == rdd.partitions.end()) {
      rdd.partitions.push_back(RddPartition{u.block_id, "", 0, 0, {}});
      part = rdd.partitions.end() - 1;
    }
    std::vector<std::string> executors = part->executors;
    if (valid) {
      if (std::find(executors.begin(), executors.end(), u.executor_id) == executors.end()) {
        rdd_blocks_delta = 1;
        executors.push_back(u.executor_id);
      }
      part->storage_level = StorageLevelDescription(u.use_disk, u.use_memory, u.use_off_heap,
                                                    u.deserialized, u.replication);
    } else {
      rdd_blocks_delta = -1;
      std::erase(executors, u.executor_id);
    }
    if (!executors.empty()) {
      part->executors = std::move(executors);
      part->memory_used = AddDelta(part->memory_used, memory_delta);
      part->disk_used = AddDelta(part->disk_used, disk_delta);
    } else {
      rdd.partitions.erase(part);
    }
    if (exec) {
      if (exec->rdd_blocks + rdd_blocks_delta > 0) {
        RddDistribution* d = FindDistribution(rdd, u.executor_id);
        if (!d) {
          rdd.distributions.push_back(RddDistribution{});
          d = &rdd.distributions.back();
          d->executor_id = u.executor_id;
        }
        d->memory_used = AddDelta(d->memory_used, memory_delta);
        d->disk_used = AddDelta(d->disk_used, disk_delta);
        if (exec->total_on_heap >= 0) {
          if (u.use_off_heap)
            d->off_heap_used = AddDelta(d->off_heap_used, memory_delta);
          else
            d->on_heap_used = AddDelta(d->on_heap_used, memory_delta);
        }
      } else {
        std::erase_if(rdd.distributions,
                      [&](const RddDistribution& d) { return d.executor_id == u.executor_id; });
      }
      // Every RDD's view of this executor is refreshed (free memory changed).
      for (auto& [id, other] : model.rdds) {
        if (RddDistribution* d = FindDistribution(other, u.executor_id)) Snapshot(*d, *exec);
      }
    }
    rdd.memory_used = AddDelta(rdd.memory_used, memory_delta);
    rdd.disk_used = AddDelta(rdd.disk_used, disk_delta);
  }
  if (exec) exec->rdd_blocks += rdd_blocks_delta;
}

}  // namespace

void ApplyBlockUpdate(AppModel& model, const BlockUpdate& u) {
  if (auto rdd = RddIdOf(u.block_id)) {
    ApplyRddBlock(model, u, *rdd);
  } else if (u.block_id.starts_with("broadcast_")) {
    if (Executor* e = LiveExecutor(model, u.executor_id)) {
      UpdateExecutorMemory(*e, u.use_off_heap, u.memory_size * (u.use_memory ? 1 : -1),
                           u.disk_size * (u.use_disk ? 1 : -1));
    }
  }
}

void UnpersistRdd(AppModel& model, int32_t rdd_id) {
  auto it = model.rdds.find(rdd_id);
  if (it == model.rdds.end()) return;
  const RddInfo& rdd = it->second;
  for (const auto& part : rdd.partitions) {
    for (const auto& id : part.executors) {
      if (Executor* e = LiveExecutor(model, id)) e->rdd_blocks -= 1;
    }
  }
  for (const auto& d : rdd.distributions) {
    Executor* e = LiveExecutor(model, d.executor_id);
    if (!e) continue;
    if (e->total_on_heap >= 0) {
      if (rdd.use_off_heap)
        e->used_off_heap = AddDelta(e->used_off_heap, -d.off_heap_used);
      else
        e->used_on_heap = AddDelta(e->used_on_heap, -d.on_heap_used);
    }
    e->memory_used = AddDelta(e->memory_used, -d.memory_used);
    e->disk_used = AddDelta(e->disk_used, -d.disk_used);
  }
  model.rdds.erase(it);
}

void RemoveExecutorBlocks(AppModel& model, const std::string& executor_id) {
  for (auto& [id, rdd] : model.rdds) {
    std::erase_if(rdd.distributions,
                  [&](const RddDistribution& d) { return d.executor_id == executor_id; });
    for (size_t i = 0; i < rdd.partitions.size();) {
      RddPartition& p = rdd.partitions[i];
      if (std::find(p.executors.begin(), p.executors.end(), executor_id) == p.executors.end()) {
        ++i;
        continue;
      }
      if (p.executors.size() == 1) {
        rdd.memory_used = AddDelta(rdd.memory_used, -p.memory_used);
        rdd.disk_used = AddDelta(rdd.disk_used, -p.disk_used);
        rdd.partitions.erase(rdd.partitions.begin() + static_cast<std::ptrdiff_t>(i));
        continue;
      }
      int64_t n = static_cast<int64_t>(p.executors.size());
      rdd.memory_used = AddDelta(rdd.memory_used, -(p.memory_used / n));
      rdd.disk_used = AddDelta(rdd.disk_used, -(p.disk_used / n));
      p.memory_used = AddDelta(p.memory_used, -(p.memory_used / n));
      p.disk_used = AddDelta(p.disk_used, -(p.disk_used / n));
      std::erase(p.executors, executor_id);
      ++i;
    }
  }
}

std::vector<size_t> ScalaMutableHashOrder(const std::vector<std::string_view>& keys) {
  size_t capacity = 16;
  while (static_cast<double>(keys.size()) > static_cast<double>(capacity) * 0.75) capacity *= 2;
  std::vector<std::pair<uint32_t, size_t>> slots;
  for (size_t i = 0; i < keys.size(); ++i) {
    uint32_t h = 0;
    for (unsigned char c : keys[i]) h = 31 * h + c;  // String.hashCode (ASCII ids)
    h ^= h >> 16;
    slots.emplace_back(h & static_cast<uint32_t>(capacity - 1), i);
  }
  std::stable_sort(slots.begin(), slots.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<size_t> order;
  for (const auto& s : slots) order.push_back(s.second);
  return order;
}

}  // namespace sparkplane::eventlog

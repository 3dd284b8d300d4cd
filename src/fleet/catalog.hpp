// Instance catalog: shapes, on-demand prices, Kubernetes allocatable (Karpenter/EKS formula),
// a seeded spot price model (discount per family) and a seeded interruption band per type.
// A Catalog is immutable after loading; loading is all-or-nothing.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "fleet/model.hpp"

namespace sparkplane::fleet {

struct InstanceType {
  std::string name;
  std::string family;
  std::string architecture;
  int vcpu = 0;
  int64_t memory_mib = 0;
  int gpu = 0;
  double ondemand_usd_per_hour = 0;
  Resources allocatable;
  // Spot model: price = on-demand × (1 − discount); discount drawn per family in [0.6, 0.9].
  double spot_discount = 0;
  double spot_usd_per_hour = 0;
  // Interruption band 0..4 = <5%, 5–10%, 10–15%, 15–20%, >20% monthly (AWS Spot Advisor bands).
  int interruption_band = 0;
  double interruptions_per_hour = 0;

  double Price(CapacityType c) const {
    return c == CapacityType::kSpot ? spot_usd_per_hour : ondemand_usd_per_hour;
  }
  bool IsMetal() const { return name.find("metal") != std::string::npos; }
};

struct CatalogOptions {
  uint64_t seed = 1;
  int max_pods = 110;                   // Karpenter's kube-reserved memory input
  double vm_memory_overhead = 0.075;    // VM_MEMORY_OVERHEAD_PERCENT
  int64_t eviction_threshold_mib = 100;
  Resources daemonset_overhead{};       // per node, subtracted from allocatable
};

// kube-reserved CPU: 6% of core 1, 1% of core 2, 0.5% of cores 3–4, 0.25% beyond.
int64_t KubeReservedCpuMilli(int vcpu);
// Allocatable = raw − VM overhead − kube-reserved − eviction threshold − daemonsets (≥ 0).
Resources Allocatable(int vcpu, int64_t memory_mib, const CatalogOptions& options);
// Seeded spot discount for a family, in [0.6, 0.9].
double SpotDiscount(std::string_view family, uint64_t seed);
// Seeded interruption band for an instance type, 0..4.
int InterruptionBand(std::string_view instance_type, uint64_t seed);
// Mid-point monthly interruption probability of a band, e.g. band 0 → 0.025.
double BandMonthlyProbability(int band);

class Catalog {
 public:
  Catalog() = default;
  explicit Catalog(std::vector<InstanceType> types) : types_(std::move(types)) {}

  const std::vector<InstanceType>& Types() const { return types_; }
  const InstanceType& Type(int index) const { return types_[index]; }
  int Size() const { return static_cast<int>(types_.size()); }
  // Index of the named type or -1.
  int Find(std::string_view name) const;

 private:
  std::vector<InstanceType> types_;
};

// Parses the aws-us-east-1.csv format (instance_type,family,vcpu,memory_mib,gpu,architecture,
// ondemand_usd_per_hour). Any malformed row fails the whole load with "file:line: reason".
Result<Catalog> ParseCatalog(std::string_view text, std::string_view file_name,
                             const CatalogOptions& options);
Result<Catalog> LoadCatalog(const std::filesystem::path& path, const CatalogOptions& options);

// The default pool for Spark nodes, as Karpenter's example NodePool: categories c, m, r of
// generation > 2; no GPU, amd64, not bare metal, allocatable ≥ 1 core / 1 GiB.
bool IsGeneralPurposeSparkType(const InstanceType& type);

}  // namespace sparkplane::fleet

#include "fleet/catalog.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>

#include <fmt/format.h>

#include "common/util.hpp"
#include "fleet/csv.hpp"

namespace sparkplane::fleet {

int64_t KubeReservedCpuMilli(int vcpu) {
  // Per-mille of a core per core position, as Karpenter computes kube-reserved CPU.
  double milli = 0;
  for (int core = 1; core <= vcpu; ++core) {
    if (core == 1) {
      milli += 60;
    } else if (core == 2) {
      milli += 10;
    } else if (core <= 4) {
      milli += 5;
    } else {
      milli += 2.5;
    }
  }
  return static_cast<int64_t>(std::llround(milli));
}

Resources Allocatable(int vcpu, int64_t memory_mib, const CatalogOptions& options) {
  Resources r;
  r.cpu_milli = int64_t{vcpu} * 1000 - KubeReservedCpuMilli(vcpu) - options.daemonset_overhead.cpu_milli;
  int64_t vm_overhead =
      static_cast<int64_t>(std::ceil(static_cast<double>(memory_mib) * options.vm_memory_overhead));
  int64_t kube_reserved = 255 + 11 * int64_t{options.max_pods};
  r.memory_mib = memory_mib - vm_overhead - kube_reserved - options.eviction_threshold_mib -
                 options.daemonset_overhead.memory_mib;
  r.cpu_milli = std::max<int64_t>(0, r.cpu_milli);
  r.memory_mib = std::max<int64_t>(0, r.memory_mib);
  return r;
}

double SpotDiscount(std::string_view family, uint64_t seed) {
  return 0.6 + 0.3 * UnitFromHash(HashString(family, seed ^ 0x5107ULL));
}

int InterruptionBand(std::string_view instance_type, uint64_t seed) {
  return static_cast<int>(HashString(instance_type, seed ^ 0xBA0DULL) % 5);
}

double BandMonthlyProbability(int band) {
  static constexpr double kMid[] = {0.025, 0.075, 0.125, 0.175, 0.25};
  return kMid[std::clamp(band, 0, 4)];
}

int Catalog::Find(std::string_view name) const {
  for (size_t i = 0; i < types_.size(); ++i) {
    if (types_[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

Result<Catalog> ParseCatalog(std::string_view text, std::string_view file_name,
                             const CatalogOptions& options) {
  auto table = CsvTable::Parse(text, file_name);
  if (!table) return tl::unexpected(table.error());
  if (auto st = table->Require({"instance_type", "vcpu", "memory_mib", "ondemand_usd_per_hour"});
      !st) {
    return tl::unexpected(st.error());
  }
  int c_name = table->Column("instance_type");
  int c_family = table->Column("family");
  int c_vcpu = table->Column("vcpu");
  int c_mem = table->Column("memory_mib");
  int c_gpu = table->Column("gpu");
  int c_arch = table->Column("architecture");
  int c_price = table->Column("ondemand_usd_per_hour");
  std::vector<InstanceType> types;
  types.reserve(table->RowCount());
  for (size_t row = 0; row < table->RowCount(); ++row) {
    InstanceType t;
    t.name = std::string(table->Text(row, c_name));
    if (t.name.empty()) return tl::unexpected(table->RowError(row, "empty instance_type"));
    if (c_family >= 0 && !table->Text(row, c_family).empty()) {
      t.family = std::string(table->Text(row, c_family));
    } else {
      t.family = t.name.substr(0, t.name.find('.'));
    }
    t.architecture = c_arch >= 0 ? std::string(table->Text(row, c_arch)) : "amd64";
    auto vcpu = table->Int(row, c_vcpu);
    if (!vcpu) return tl::unexpected(vcpu.error());
    auto mem = table->Int(row, c_mem);
    if (!mem) return tl::unexpected(mem.error());
    auto price = table->Double(row, c_price);
    if (!price) return tl::unexpected(price.error());
    if (c_gpu >= 0) {
      auto gpu = table->Int(row, c_gpu);
      if (!gpu) return tl::unexpected(gpu.error());
      t.gpu = static_cast<int>(*gpu);
    }
    if (*vcpu <= 0 || *vcpu > 4096) {
      return tl::unexpected(table->RowError(row, fmt::format("vcpu out of range: {}", *vcpu)));
    }
    if (*mem <= 0) {
      return tl::unexpected(table->RowError(row, fmt::format("memory_mib must be > 0: {}", *mem)));
    }
    if (*price <= 0) {
      return tl::unexpected(
          table->RowError(row, fmt::format("ondemand_usd_per_hour must be > 0: {}", *price)));
    }
    t.vcpu = static_cast<int>(*vcpu);
    t.memory_mib = *mem;
    t.ondemand_usd_per_hour = *price;
    t.allocatable = Allocatable(t.vcpu, t.memory_mib, options);
    t.spot_discount = SpotDiscount(t.family, options.seed);
    t.spot_usd_per_hour = t.ondemand_usd_per_hour * (1.0 - t.spot_discount);
    t.interruption_band = InterruptionBand(t.name, options.seed);
    // Monthly probability → Poisson rate per hour (730 h per month).
    t.interruptions_per_hour = -std::log1p(-BandMonthlyProbability(t.interruption_band)) / 730.0;
    types.push_back(std::move(t));
  }
  // Duplicate names would make Find ambiguous.
  std::vector<std::string_view> names;
  names.reserve(types.size());
  for (auto& t : types) names.push_back(t.name);
  std::sort(names.begin(), names.end());
  if (auto dup = std::adjacent_find(names.begin(), names.end()); dup != names.end()) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("{}: duplicate instance_type '{}'", file_name, *dup));
  }
  return Catalog(std::move(types));
}

Result<Catalog> LoadCatalog(const std::filesystem::path& path, const CatalogOptions& options) {
  auto text = ReadFile(path);
  if (!text) return tl::unexpected(text.error());
  return ParseCatalog(*text, path.string(), options);
}

bool IsGeneralPurposeSparkType(const InstanceType& type) {
  // Karpenter's documented example NodePool: instance-category in [c, m, r], generation > 2.
  const std::string& f = type.family;
  if (f.size() < 2 || (f[0] != 'c' && f[0] != 'm' && f[0] != 'r')) return false;
  if (!std::isdigit(static_cast<unsigned char>(f[1])) || f[1] <= '2') return false;
  return type.gpu == 0 && type.architecture == "amd64" && !type.IsMetal() &&
         type.allocatable.cpu_milli >= 1000 && type.allocatable.memory_mib >= 1024;
}

}  // namespace sparkplane::fleet

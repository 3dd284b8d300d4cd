// Shared value types of the fleet engine: resource vectors, capacity types, pod roles.
// Units: CPU in millicores, memory in MiB, time in seconds, prices in USD per hour.
#pragma once

#include <cstdint>
#include <string_view>

namespace sparkplane::fleet {

struct Resources {
  int64_t cpu_milli = 0;
  int64_t memory_mib = 0;

  bool Fits(const Resources& request) const {
    return request.cpu_milli <= cpu_milli && request.memory_mib <= memory_mib;
  }
  Resources& operator+=(const Resources& o) {
    cpu_milli += o.cpu_milli;
    memory_mib += o.memory_mib;
    return *this;
  }
  Resources& operator-=(const Resources& o) {
    cpu_milli -= o.cpu_milli;
    memory_mib -= o.memory_mib;
    return *this;
  }
  friend Resources operator+(Resources a, const Resources& b) { return a += b; }
  friend Resources operator-(Resources a, const Resources& b) { return a -= b; }
  friend bool operator==(const Resources&, const Resources&) = default;
  friend auto operator<=>(const Resources&, const Resources&) = default;
};

enum class CapacityType { kOnDemand, kSpot };
enum class Role { kDriver, kExecutor };

inline std::string_view CapacityTypeName(CapacityType c) {
  return c == CapacityType::kSpot ? "spot" : "on-demand";
}
inline std::string_view RoleName(Role r) { return r == Role::kDriver ? "driver" : "executor"; }

// Deterministic 64-bit mixing (splitmix64) so seeded models do not depend on std:: engines.
inline uint64_t Mix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}
inline uint64_t HashString(std::string_view s, uint64_t seed) {
  uint64_t h = 1469598103934665603ULL ^ Mix64(seed);
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ULL;
  return Mix64(h);
}
// Uniform in [0, 1) from a hash.
inline double UnitFromHash(uint64_t h) { return static_cast<double>(h >> 11) * 0x1.0p-53; }

// Small deterministic RNG (splitmix64 stream).
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t Next() { return Mix64(state_++ * 0x2545F4914F6CDD1DULL + 0x632BE59BD9B4E019ULL); }
  double Uniform() { return UnitFromHash(Next()); }
  double Uniform(double lo, double hi) { return lo + (hi - lo) * Uniform(); }
  int UniformInt(int lo, int hi) {  // inclusive
    return lo + static_cast<int>(Next() % static_cast<uint64_t>(hi - lo + 1));
  }

 private:
  uint64_t state_;
};

}  // namespace sparkplane::fleet

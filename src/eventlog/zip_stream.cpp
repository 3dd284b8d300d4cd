#include "eventlog/zip_stream.hpp"

#include <fmt/format.h>

#include <array>
#include <fstream>
#include <memory>

namespace sparkplane::eventlog {
namespace {

constexpr size_t kChunk = 1 << 20;

std::array<uint32_t, 256> MakeCrcTable() {
  std::array<uint32_t, 256> t{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    t[i] = c;
  }
  return t;
}

void Put16(std::string& out, uint32_t v) {
  out.push_back(static_cast<char>(v & 0xff));
  out.push_back(static_cast<char>((v >> 8) & 0xff));
}
void Put32(std::string& out, uint32_t v) {
  Put16(out, v & 0xffff);
  Put16(out, v >> 16);
}

struct Prepared {
  ZipEntry entry;
  uint32_t crc = 0;
  uint32_t size = 0;
  uint32_t offset = 0;
};

std::string LocalHeader(const Prepared& p) {
  std::string h;
  Put32(h, 0x04034b50);
  Put16(h, 20);    // version needed
  Put16(h, 0);     // flags
  Put16(h, 0);     // stored
  Put16(h, 0);     // time
  Put16(h, 0x21);  // date 1980-01-01
  Put32(h, p.crc);
  Put32(h, p.size);
  Put32(h, p.size);
  Put16(h, static_cast<uint32_t>(p.entry.name.size()));
  Put16(h, 0);
  h += p.entry.name;
  return h;
}

std::string CentralDirectory(const std::vector<Prepared>& files, uint32_t start) {
  std::string cd;
  for (const auto& p : files) {
    Put32(cd, 0x02014b50);
    Put16(cd, 20);
    Put16(cd, 20);
    Put16(cd, 0);
    Put16(cd, 0);
    Put16(cd, 0);
    Put16(cd, 0x21);
    Put32(cd, p.crc);
    Put32(cd, p.size);
    Put32(cd, p.size);
    Put16(cd, static_cast<uint32_t>(p.entry.name.size()));
    Put16(cd, 0);
    Put16(cd, 0);
    Put16(cd, 0);
    Put16(cd, 0);
    Put32(cd, p.entry.name.ends_with('/') ? 0x10 : 0);
    Put32(cd, p.offset);
    cd += p.entry.name;
  }
  uint32_t size = static_cast<uint32_t>(cd.size());
  Put32(cd, 0x06054b50);
  Put16(cd, 0);
  Put16(cd, 0);
  Put16(cd, static_cast<uint32_t>(files.size()));
  Put16(cd, static_cast<uint32_t>(files.size()));
  Put32(cd, size);
  Put32(cd, start);
  Put16(cd, 0);
  return cd;
}

}  // namespace

uint32_t Crc32(uint32_t crc, std::string_view data) {
  static const std::array<uint32_t, 256> table = MakeCrcTable();
  crc = ~crc;
  for (unsigned char c : data) crc = table[(crc ^ c) & 0xff] ^ (crc >> 8);
  return ~crc;
}

Result<std::function<bool(std::string&)>> ZipStream(std::vector<ZipEntry> entries) {
  auto files = std::make_shared<std::vector<Prepared>>();
  uint64_t offset = 0;
  std::string buf(kChunk, '\0');
  for (auto& e : entries) {
    Prepared p;
    p.entry = std::move(e);
    if (!p.entry.source.empty()) {
      std::ifstream in(p.entry.source, std::ios::binary);
      if (!in) return Fail(ErrorCode::kIo, fmt::format("cannot read {}", p.entry.source.string()));
      uint64_t size = 0;
      while (in.read(buf.data(), static_cast<std::streamsize>(buf.size())) || in.gcount() > 0) {
        auto n = static_cast<size_t>(in.gcount());
        p.crc = Crc32(p.crc, std::string_view(buf.data(), n));
        size += n;
      }
      if (size >= 0xffffffffu) return Fail(ErrorCode::kFailedPrecondition, "log too large for zip");
      p.size = static_cast<uint32_t>(size);
    }
    p.offset = static_cast<uint32_t>(offset);
    offset += 30 + p.entry.name.size() + p.size;
    if (offset >= 0xffffffffu)
      return Fail(ErrorCode::kFailedPrecondition, "logs too large for zip");
    files->push_back(std::move(p));
  }
  struct State {
    size_t index = 0;
    bool header_sent = false;
    std::unique_ptr<std::ifstream> in;
    bool done = false;
  };
  auto state = std::make_shared<State>();
  uint32_t cd_start = static_cast<uint32_t>(offset);
  return [files, state, cd_start](std::string& chunk) -> bool {
    chunk.clear();
    if (state->done) return false;
    if (state->index == files->size()) {
      chunk = CentralDirectory(*files, cd_start);
      state->done = true;
      return true;
    }
    const Prepared& p = (*files)[state->index];
    if (!state->header_sent) {
      chunk = LocalHeader(p);
      state->header_sent = true;
      if (!p.entry.source.empty())
        state->in = std::make_unique<std::ifstream>(p.entry.source, std::ios::binary);
      if (p.entry.source.empty() || p.size == 0) {
        ++state->index;
        state->header_sent = false;
        state->in.reset();
      }
      return true;
    }
    chunk.resize(kChunk);
    state->in->read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    chunk.resize(static_cast<size_t>(state->in->gcount()));
    if (chunk.empty() || !*state->in) {
      ++state->index;
      state->header_sent = false;
      state->in.reset();
    }
    return true;
  };
}

}  // namespace sparkplane::eventlog

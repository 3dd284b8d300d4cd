#include "eventlog/codec.hpp"

#include <fmt/format.h>
#include <lz4.h>
#include <lzf.h>
#include <snappy-c.h>
#include <xxhash.h>
#include <zstd.h>

#include <algorithm>
#include <cstring>

namespace sparkplane::eventlog {
namespace {

// Any single block larger than this is treated as a damaged length field.
constexpr size_t kMaxBlockBytes = size_t{64} << 20;

uint32_t LoadLe32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;  // x86/arm64 little-endian hosts only, like the rest of the project
}
uint32_t LoadBe32(const char* p) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  return (uint32_t{u[0]} << 24) | (uint32_t{u[1]} << 16) | (uint32_t{u[2]} << 8) | u[3];
}
uint16_t LoadBe16(const char* p) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  return static_cast<uint16_t>((u[0] << 8) | u[1]);
}
void StoreLe32(std::string& out, uint32_t v) {
  char b[4];
  std::memcpy(b, &v, 4);
  out.append(b, 4);
}
void StoreBe32(std::string& out, uint32_t v) {
  char b[4] = {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
               static_cast<char>(v)};
  out.append(b, 4);
}
void StoreBe16(std::string& out, uint16_t v) {
  out.push_back(static_cast<char>(v >> 8));
  out.push_back(static_cast<char>(v));
}

class PlainDecoder final : public StreamDecoder {
 public:
  Status Feed(std::string_view input, ByteBuffer& out) override {
    out.Append(input);
    return Ok();
  }
  size_t pending_bytes() const override { return 0; }
};

class ZstdDecoder final : public StreamDecoder {
 public:
  ZstdDecoder() : ctx_(ZSTD_createDStream()) { ZSTD_initDStream(ctx_); }
  ~ZstdDecoder() override { ZSTD_freeDStream(ctx_); }
  ZstdDecoder(const ZstdDecoder&) = delete;
  ZstdDecoder& operator=(const ZstdDecoder&) = delete;

  Status Feed(std::string_view input, ByteBuffer& out) override {
    ZSTD_inBuffer in{input.data(), input.size(), 0};
    while (true) {
      size_t room = std::max<size_t>(ZSTD_DStreamOutSize(), input.size() * 4);
      ZSTD_outBuffer ob{out.Extend(room), room, 0};
      size_t ret = ZSTD_decompressStream(ctx_, &ob, &in);
      out.Commit(ob.pos);
      if (ZSTD_isError(ret)) {
        return Fail(ErrorCode::kCorruption,
                    fmt::format("zstd: {} after {} input bytes", ZSTD_getErrorName(ret),
                                consumed_ + in.pos));
      }
      mid_frame_ = ret != 0;
      // Done when all input is consumed and the output buffer was not filled (no flush pending).
      if (in.pos == in.size && ob.pos < room) break;
    }
    consumed_ += input.size();
    return Ok();
  }
  size_t pending_bytes() const override { return mid_frame_ ? 1 : 0; }

 private:
  ZSTD_DStream* ctx_;
  bool mid_frame_ = false;
  uint64_t consumed_ = 0;
};

// Base for block framings: buffers bytes until a whole block is present.
class BlockDecoder : public StreamDecoder {
 public:
  Status Feed(std::string_view input, ByteBuffer& out) final {
    std::string_view data = input;
    if (!pending_.empty()) {
      pending_.append(input);
      data = pending_;
    }
    size_t pos = 0;
    while (pos < data.size()) {
      auto used = DecodeBlock(data.substr(pos), out);
      if (!used) {
        offset_ += pos;
        return tl::unexpected(Error{used.error().code, fmt::format("{} at compressed offset {}",
                                                                   used.error().message, offset_)});
      }
      if (*used == 0) break;  // need more bytes
      pos += *used;
    }
    offset_ += pos;
    if (data.data() == pending_.data()) {
      pending_.erase(0, pos);
    } else {
      pending_.assign(data.substr(pos));
    }
    return Ok();
  }
  size_t pending_bytes() const final { return pending_.size(); }

 protected:
  // Decodes one block at the start of `data`; returns bytes used, or 0 if incomplete.
  virtual Result<size_t> DecodeBlock(std::string_view data, ByteBuffer& out) = 0;

 private:
  std::string pending_;
  uint64_t offset_ = 0;
};

constexpr std::string_view kLz4Magic = "LZ4Block";
constexpr size_t kLz4HeaderBytes = 21;
constexpr uint32_t kLz4Seed = 0x9747b28c;
constexpr int kLz4MethodRaw = 0x10;
constexpr int kLz4MethodLz4 = 0x20;

class Lz4BlockDecoder final : public BlockDecoder {
 protected:
  Result<size_t> DecodeBlock(std::string_view data, ByteBuffer& out) override {
    if (data.size() < kLz4HeaderBytes) {
      if (data.substr(0, std::min(data.size(), kLz4Magic.size())) !=
          kLz4Magic.substr(0, std::min(data.size(), kLz4Magic.size()))) {
        return Fail(ErrorCode::kCorruption, "lz4: bad block magic");
      }
      return 0;
    }
    if (data.substr(0, 8) != kLz4Magic) return Fail(ErrorCode::kCorruption, "lz4: bad block magic");
    int token = static_cast<unsigned char>(data[8]);
    int method = token & 0xF0;
    size_t max_block = size_t{1} << (10 + (token & 0x0F));
    uint32_t compressed = LoadLe32(data.data() + 9);
    uint32_t original = LoadLe32(data.data() + 13);
    uint32_t checksum = LoadLe32(data.data() + 17);
    if ((method != kLz4MethodRaw && method != kLz4MethodLz4) || original > max_block ||
        compressed > kMaxBlockBytes || original > kMaxBlockBytes ||
        (original == 0) != (compressed == 0) ||
        (method == kLz4MethodRaw && original != compressed)) {
      return Fail(ErrorCode::kCorruption, "lz4: bad block header");
    }
    if (data.size() < kLz4HeaderBytes + compressed) return 0;
    if (original == 0) return kLz4HeaderBytes;  // end mark; another stream may follow
    const char* payload = data.data() + kLz4HeaderBytes;
    char* dest = out.Extend(original);
    if (method == kLz4MethodRaw) {
      std::memcpy(dest, payload, original);
    } else if (LZ4_decompress_safe(payload, dest, static_cast<int>(compressed),
                                   static_cast<int>(original)) != static_cast<int>(original)) {
      return Fail(ErrorCode::kCorruption, "lz4: damaged block payload");
    }
    if ((XXH32(dest, original, kLz4Seed) & 0x0FFFFFFF) != checksum)
      return Fail(ErrorCode::kCorruption, "lz4: block checksum mismatch");
    out.Commit(original);
    return kLz4HeaderBytes + compressed;
  }
};

constexpr std::string_view kSnappyMagic{"\x82SNAPPY\0", 8};
constexpr size_t kSnappyHeaderBytes = 16;

class SnappyStreamDecoder final : public BlockDecoder {
 protected:
  Result<size_t> DecodeBlock(std::string_view data, ByteBuffer& out) override {
    if (static_cast<unsigned char>(data[0]) == 0x82) {  // (another) stream header
      size_t n = std::min(data.size(), kSnappyMagic.size());
      if (data.substr(0, n) != kSnappyMagic.substr(0, n)) {
        return Fail(ErrorCode::kCorruption, "snappy: bad stream header");
      }
      if (data.size() < kSnappyHeaderBytes) return 0;
      seen_header_ = true;
      return kSnappyHeaderBytes;
    }
    if (!seen_header_) return Fail(ErrorCode::kCorruption, "snappy: missing stream header");
    if (data.size() < 4) return 0;
    uint32_t length = LoadBe32(data.data());
    if (length == 0 || length > kMaxBlockBytes) {
      return Fail(ErrorCode::kCorruption, "snappy: bad chunk length");
    }
    if (data.size() < 4 + length) return 0;
    const char* payload = data.data() + 4;
    size_t original = 0;
    if (snappy_uncompressed_length(payload, length, &original) != SNAPPY_OK ||
        original > kMaxBlockBytes) {
      return Fail(ErrorCode::kCorruption, "snappy: bad chunk length");
    }
    size_t produced = original;
    if (snappy_uncompress(payload, length, out.Extend(original), &produced) != SNAPPY_OK ||
        produced != original) {
      return Fail(ErrorCode::kCorruption, "snappy: damaged chunk payload");
    }
    out.Commit(original);
    return 4 + length;
  }

 private:
  bool seen_header_ = false;
};

class LzfDecoder final : public BlockDecoder {
 protected:
  Result<size_t> DecodeBlock(std::string_view data, ByteBuffer& out) override {
    if (data[0] != 'Z' || (data.size() > 1 && data[1] != 'V')) {
      return Fail(ErrorCode::kCorruption, "lzf: bad chunk signature");
    }
    if (data.size() < 3) return 0;
    int type = static_cast<unsigned char>(data[2]);
    if (type == 0) {
      if (data.size() < 5) return 0;
      size_t length = LoadBe16(data.data() + 3);
      if (data.size() < 5 + length) return 0;
      out.Append(data.substr(5, length));
      return 5 + length;
    }
    if (type != 1) return Fail(ErrorCode::kCorruption, "lzf: bad chunk type");
    if (data.size() < 7) return 0;
    size_t compressed = LoadBe16(data.data() + 3);
    size_t original = LoadBe16(data.data() + 5);
    if (compressed == 0 || original == 0)
      return Fail(ErrorCode::kCorruption, "lzf: bad chunk length");
    if (data.size() < 7 + compressed) return 0;
    unsigned int n = lzf_decompress(data.data() + 7, static_cast<unsigned int>(compressed),
                                    out.Extend(original), static_cast<unsigned int>(original));
    if (n != original) return Fail(ErrorCode::kCorruption, "lzf: damaged chunk payload");
    out.Commit(original);
    return 7 + compressed;
  }
};

Result<std::string> EncodeZstd(std::string_view plain, size_t block_size) {
  std::string out;
  for (size_t pos = 0; pos < plain.size(); pos += block_size) {
    auto chunk = plain.substr(pos, block_size);
    size_t bound = ZSTD_compressBound(chunk.size());
    size_t old_size = out.size();
    out.resize(old_size + bound);
    size_t n = ZSTD_compress(out.data() + old_size, bound, chunk.data(), chunk.size(), 1);
    if (ZSTD_isError(n)) return Fail(ErrorCode::kInternal, ZSTD_getErrorName(n));
    out.resize(old_size + n);
  }
  return out;
}

std::string EncodeLz4(std::string_view plain, size_t block_size) {
  int level = 0;
  while ((size_t{1} << (10 + level)) < block_size && level < 15) ++level;
  block_size = size_t{1} << (10 + level);
  std::string out;
  std::string scratch(static_cast<size_t>(LZ4_compressBound(static_cast<int>(block_size))), '\0');
  for (size_t pos = 0; pos < plain.size(); pos += block_size) {
    auto chunk = plain.substr(pos, block_size);
    int n = LZ4_compress_default(chunk.data(), scratch.data(), static_cast<int>(chunk.size()),
                                 static_cast<int>(scratch.size()));
    bool raw = n <= 0 || static_cast<size_t>(n) >= chunk.size();
    out.append(kLz4Magic);
    out.push_back(static_cast<char>((raw ? kLz4MethodRaw : kLz4MethodLz4) | level));
    StoreLe32(out, static_cast<uint32_t>(raw ? chunk.size() : static_cast<size_t>(n)));
    StoreLe32(out, static_cast<uint32_t>(chunk.size()));
    StoreLe32(out, XXH32(chunk.data(), chunk.size(), kLz4Seed) & 0x0FFFFFFF);
    if (raw) {
      out.append(chunk);
    } else {
      out.append(scratch.data(), static_cast<size_t>(n));
    }
  }
  out.append(kLz4Magic);
  out.push_back(static_cast<char>(kLz4MethodRaw | level));
  out.append(12, '\0');
  return out;
}

Result<std::string> EncodeSnappy(std::string_view plain, size_t block_size) {
  std::string out(kSnappyMagic);
  StoreBe32(out, 1);
  StoreBe32(out, 1);
  std::string scratch(snappy_max_compressed_length(block_size), '\0');
  for (size_t pos = 0; pos < plain.size(); pos += block_size) {
    auto chunk = plain.substr(pos, block_size);
    size_t n = scratch.size();
    if (snappy_compress(chunk.data(), chunk.size(), scratch.data(), &n) != SNAPPY_OK) {
      return Fail(ErrorCode::kInternal, "snappy: compress failed");
    }
    StoreBe32(out, static_cast<uint32_t>(n));
    out.append(scratch.data(), n);
  }
  return out;
}

std::string EncodeLzf(std::string_view plain, size_t block_size) {
  block_size = std::min<size_t>(block_size, 0xFFFF);
  std::string out;
  std::string scratch(block_size, '\0');
  for (size_t pos = 0; pos < plain.size(); pos += block_size) {
    auto chunk = plain.substr(pos, block_size);
    unsigned int n = lzf_compress(chunk.data(), static_cast<unsigned int>(chunk.size()),
                                  scratch.data(), static_cast<unsigned int>(chunk.size() - 1));
    out.append("ZV");
    if (n == 0) {
      out.push_back('\0');
      StoreBe16(out, static_cast<uint16_t>(chunk.size()));
      out.append(chunk);
    } else {
      out.push_back('\1');
      StoreBe16(out, static_cast<uint16_t>(n));
      StoreBe16(out, static_cast<uint16_t>(chunk.size()));
      out.append(scratch.data(), n);
    }
  }
  return out;
}

}  // namespace

std::optional<Codec> CodecFromName(std::string_view name) {
  if (name == "zstd") return Codec::kZstd;
  if (name == "lz4") return Codec::kLz4;
  if (name == "snappy") return Codec::kSnappy;
  if (name == "lzf") return Codec::kLzf;
  return std::nullopt;
}

std::string_view CodecName(Codec codec) {
  switch (codec) {
    case Codec::kNone:
      return "";
    case Codec::kZstd:
      return "zstd";
    case Codec::kLz4:
      return "lz4";
    case Codec::kSnappy:
      return "snappy";
    case Codec::kLzf:
      return "lzf";
  }
  return "";
}

std::unique_ptr<StreamDecoder> MakeDecoder(Codec codec) {
  switch (codec) {
    case Codec::kNone:
      return std::make_unique<PlainDecoder>();
    case Codec::kZstd:
      return std::make_unique<ZstdDecoder>();
    case Codec::kLz4:
      return std::make_unique<Lz4BlockDecoder>();
    case Codec::kSnappy:
      return std::make_unique<SnappyStreamDecoder>();
    case Codec::kLzf:
      return std::make_unique<LzfDecoder>();
  }
  return std::make_unique<PlainDecoder>();
}

Result<std::string> Encode(Codec codec, std::string_view plain, size_t block_size) {
  if (block_size == 0) return Fail(ErrorCode::kInvalidArgument, "block size must be positive");
  switch (codec) {
    case Codec::kNone:
      return std::string(plain);
    case Codec::kZstd:
      return EncodeZstd(plain, block_size);
    case Codec::kLz4:
      return EncodeLz4(plain, block_size);
    case Codec::kSnappy:
      return EncodeSnappy(plain, block_size);
    case Codec::kLzf:
      return EncodeLzf(plain, block_size);
  }
  return Fail(ErrorCode::kInternal, "unknown codec");
}

Result<std::string> DecodeAll(Codec codec, std::string_view data, bool allow_partial_tail) {
  auto decoder = MakeDecoder(codec);
  ByteBuffer out;
  if (auto st = decoder->Feed(data, out); !st) return tl::unexpected(st.error());
  if (!allow_partial_tail && decoder->pending_bytes() > 0) {
    return Fail(ErrorCode::kCorruption, fmt::format("{}: truncated final block", CodecName(codec)));
  }
  return std::string(out.view());
}

}  // namespace sparkplane::eventlog

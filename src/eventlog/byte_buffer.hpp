// A growable byte buffer whose new bytes are left uninitialised (std::string zero-fills on
// resize, which cost a sixth of a zstd replay) and whose capacity is kept across Clear(), so a
// reader that decodes chunk after chunk into it stops allocating after the first few.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <memory>
#include <string_view>

namespace sparkplane::eventlog {

class ByteBuffer {
 public:
  char* data() { return data_.get(); }
  const char* data() const { return data_.get(); }
  size_t size() const { return size_; }
  size_t capacity() const { return capacity_; }
  bool empty() const { return size_ == 0; }
  std::string_view view() const { return {data_.get(), size_}; }

  // Makes room for `n` more bytes after size() (capacity grows geometrically).
  void Reserve(size_t n) {
    if (capacity_ - size_ >= n) return;
    size_t capacity = std::max(size_ + n, capacity_ * 2);
    auto grown = std::make_unique_for_overwrite<char[]>(capacity);
    if (size_ > 0) std::memcpy(grown.get(), data_.get(), size_);
    data_ = std::move(grown);
    capacity_ = capacity;
  }
  // Room for `n` more bytes, returned uninitialised; Commit() says how many were written.
  char* Extend(size_t n) {
    Reserve(n);
    return data_.get() + size_;
  }
  void Commit(size_t n) { size_ += n; }
  void Append(std::string_view bytes) {
    if (bytes.empty()) return;
    std::memcpy(Extend(bytes.size()), bytes.data(), bytes.size());
    Commit(bytes.size());
  }
  // Drops the first `n` bytes.
  void Consume(size_t n) {
    n = std::min(n, size_);
    if (n == 0) return;
    std::memmove(data_.get(), data_.get() + n, size_ - n);
    size_ -= n;
  }
  void Clear() { size_ = 0; }

 private:
  std::unique_ptr<char[]> data_;
  size_t size_ = 0;
  size_t capacity_ = 0;
};

}  // namespace sparkplane::eventlog

// A growable array stored in fixed-size segments: appending never moves elements (references
// stay valid, and no doubling copies hundreds of MB of tasks or touches twice their pages).
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

namespace sparkplane::eventlog {

template <class T, size_t kSegment = 4096>
class SegmentedVector {
 public:
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  T& operator[](size_t i) { return segments_[i / kSegment][i % kSegment]; }
  const T& operator[](size_t i) const { return segments_[i / kSegment][i % kSegment]; }

  void push_back(T value) {
    if (size_ == segments_.size() * kSegment) segments_.push_back(std::make_unique<T[]>(kSegment));
    (*this)[size_++] = std::move(value);
  }

  template <class Self, class Ref>
  class Iterator {
   public:
    Iterator(Self* v, size_t i) : v_(v), i_(i) {}
    Ref operator*() const { return (*v_)[i_]; }
    Iterator& operator++() {
      ++i_;
      return *this;
    }
    bool operator==(const Iterator& other) const { return i_ == other.i_; }

   private:
    Self* v_;
    size_t i_;
  };
  using iterator = Iterator<SegmentedVector, T&>;
  using const_iterator = Iterator<const SegmentedVector, const T&>;
  iterator begin() { return {this, 0}; }
  iterator end() { return {this, size_}; }
  const_iterator begin() const { return {this, 0}; }
  const_iterator end() const { return {this, size_}; }

 private:
  std::vector<std::unique_ptr<T[]>> segments_;
  size_t size_ = 0;
};

}  // namespace sparkplane::eventlog

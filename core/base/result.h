#pragma once
// Result<T>: a value or an Error, spelled like C++23's std::expected so that
// moving to it later is a rename. Fallible functions return this; no
// exception crosses a layer.

#include <cassert>
#include <type_traits>
#include <utility>
#include <variant>

#include "core/base/error.h"

namespace parley {

// Wraps an Error so Result's constructor can tell it from a T (std::unexpected).
struct Unexpected {
  Error error;
};

inline Unexpected makeError(ErrorCode code, std::string detail) {
  return Unexpected{Error{code, std::move(detail)}};
}
inline Unexpected makeError(Error error) { return Unexpected{std::move(error)}; }

template <typename T>
class [[nodiscard]] Result {
 public:
  using value_type = T;

  Result() requires std::is_default_constructible_v<T> : state_(std::in_place_index<0>) {}
  Result(T value)
      : state_(std::in_place_index<0>, std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Result(Unexpected unexpected)                              // NOLINT(google-explicit-constructor)
      : state_(std::in_place_index<1>, std::move(unexpected.error)) {}

  [[nodiscard]] bool has_value() const { return state_.index() == 0; }
  explicit operator bool() const { return has_value(); }

  T& value() & { return std::get<0>(state_); }
  const T& value() const& { return std::get<0>(state_); }
  T&& value() && { return std::get<0>(std::move(state_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const& { return std::get<1>(state_); }
  Error&& error() && { return std::get<1>(std::move(state_)); }

 private:
  std::variant<T, Error> state_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Unexpected unexpected)  // NOLINT(google-explicit-constructor)
      : error_(std::move(unexpected.error)), ok_(false) {}

  [[nodiscard]] bool has_value() const { return ok_; }
  explicit operator bool() const { return ok_; }
  void value() const { assert(ok_); }
  const Error& error() const& { return error_; }
  Error&& error() && { return std::move(error_); }

 private:
  Error error_;
  bool ok_ = true;
};

}  // namespace parley

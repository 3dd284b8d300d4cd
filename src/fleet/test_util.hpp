// Helpers shared by fleet tests.
#pragma once

#include <string>

#include <gtest/gtest.h>

#include "fleet/catalog.hpp"

namespace sparkplane::fleet::testing {

inline std::string CatalogPath() {
  return std::string(SPARKPLANE_SHARED_DATA) + "/fleet/aws-us-east-1.csv";
}
inline std::string OpenbPath(const std::string& name) {
  return std::string(SPARKPLANE_SHARED_DATA) + "/fleet/alibaba-openb/" + name;
}
inline const Catalog& ReferenceCatalog() {
  static const Catalog* catalog = [] {
    auto c = LoadCatalog(CatalogPath(), CatalogOptions{});
    if (!c) ADD_FAILURE() << c.error().message;
    return new Catalog(c ? std::move(*c) : Catalog{});
  }();
  return *catalog;
}

}  // namespace sparkplane::fleet::testing

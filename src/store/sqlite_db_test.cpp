// The statement cache: reuse, nesting and bindings reset between uses.
#include "store/sqlite_db.hpp"

#include <gtest/gtest.h>

namespace sparkplane::store {
namespace {

Db OpenMemory() {
  auto db = Db::Open(":memory:");
  EXPECT_TRUE(db.has_value());
  EXPECT_TRUE(db->Exec("CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER); "
                       "INSERT INTO t VALUES ('a', 1), ('b', 2);")
                  .has_value());
  return std::move(*db);
}

TEST(SqliteDbTest, ReusedStatementStartsFromFreshBindings) {
  Db db = OpenMemory();
  constexpr std::string_view kSql = "SELECT v FROM t WHERE k = ?";
  {
    auto s = db.Prepare(kSql);
    ASSERT_TRUE(s.has_value());
    s->Bind(1, "b");
    ASSERT_TRUE(*s->Step());
    EXPECT_EQ(s->Int(0), 2);
  }
  auto again = db.Prepare(kSql);
  ASSERT_TRUE(again.has_value());
  // Unbound parameters are NULL again, so nothing matches.
  EXPECT_FALSE(*again->Step());
}

TEST(SqliteDbTest, NestedUseOfOneTextGetsTwoStatements) {
  Db db = OpenMemory();
  constexpr std::string_view kSql = "SELECT k FROM t ORDER BY k";
  auto outer = db.Prepare(kSql);
  ASSERT_TRUE(outer.has_value());
  ASSERT_TRUE(*outer->Step());
  auto inner = db.Prepare(kSql);
  ASSERT_TRUE(inner.has_value());
  ASSERT_TRUE(*inner->Step());
  EXPECT_EQ(inner->Text(0), "a");
  ASSERT_TRUE(*outer->Step());
  EXPECT_EQ(outer->Text(0), "b");  // the outer cursor was not disturbed
}

TEST(SqliteDbTest, CachedStatementSeesLaterWrites) {
  Db db = OpenMemory();
  for (int expected = 2; expected < 5; ++expected) {
    {
      auto count = db.Prepare("SELECT COUNT(*) FROM t");
      ASSERT_TRUE(count.has_value());
      ASSERT_TRUE(*count->Step());
      EXPECT_EQ(count->Int(0), expected);
    }
    auto insert = db.Prepare("INSERT INTO t VALUES (?, 0)");
    ASSERT_TRUE(insert.has_value());
    insert->Bind(1, "k" + std::to_string(expected));
    ASSERT_TRUE(insert->Run().has_value());
  }
}

}  // namespace
}  // namespace sparkplane::store

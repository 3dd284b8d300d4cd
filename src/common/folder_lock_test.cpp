#include "common/folder_lock.hpp"

#include <unistd.h>

#include <gtest/gtest.h>

#include "common/clock.hpp"
#include "common/util.hpp"
#include "common/wait.hpp"

namespace sparkplane {
namespace {

TEST(FolderLockTest, SecondHolderIsRefusedWithTheFirstPidAndMayTakeItAfterRelease) {
  auto dir = std::filesystem::temp_directory_path() / ("sp-lock-" + RandomHex(8));
  std::filesystem::create_directories(dir);
  {
    auto first = FolderLock::Acquire(dir);
    ASSERT_TRUE(first.has_value()) << first.error().message;
    auto second = FolderLock::Acquire(dir);  // another open file description: flock conflicts
    ASSERT_FALSE(second.has_value());
    EXPECT_EQ(second.error().code, ErrorCode::kFailedPrecondition);
    EXPECT_NE(second.error().message.find("pid " + std::to_string(getpid())), std::string::npos)
        << second.error().message;
  }
  EXPECT_TRUE(FolderLock::Acquire(dir).has_value()) << "released with its holder";
  std::filesystem::remove_all(dir);
}

TEST(ManualClockTest, MovesOnlyWhenAdvanced) {
  ManualClock clock(1000);
  EXPECT_EQ(clock.NowMillis(), 1000);
  clock.Advance(std::chrono::seconds(2));
  EXPECT_EQ(clock.NowMillis(), 3000);
  EXPECT_GT(SystemClock().NowMillis(), 1'700'000'000'000);
}

TEST(WaitUntilTest, ReturnsOnTheConditionOrFalseAtTheDeadline) {
  int calls = 0;
  EXPECT_TRUE(WaitUntil([&] { return ++calls == 3; }, std::chrono::seconds(30), std::chrono::milliseconds(1)));
  EXPECT_EQ(calls, 3);
  EXPECT_FALSE(WaitUntil([] { return false; }, std::chrono::milliseconds(20), std::chrono::milliseconds(1)));
}

}  // namespace
}  // namespace sparkplane

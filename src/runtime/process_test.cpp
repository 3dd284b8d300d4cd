#include "runtime/process.hpp"

#include <signal.h>

#include <future>

#include <gtest/gtest.h>

#include "common/util.hpp"
#include "common/wait.hpp"

namespace sparkplane::runtime {
namespace {

class ProcessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("sp-proc-" + RandomHex(8));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
};

TEST_F(ProcessTest, CapturesOutputAndExitCode) {
  ProcessSupervisor sup;
  std::promise<int> exited;
  auto info = sup.Spawn({{"/bin/sh", "-c", "echo out; echo err >&2; exit 3"}, {}, dir_, dir_ / "log"},
                        [&](int code) { exited.set_value(code); });
  ASSERT_TRUE(info.has_value()) << info.error().message;
  EXPECT_GT(info->pid, 0);
  EXPECT_EQ(exited.get_future().get(), 3);
  EXPECT_EQ(ReadFile(dir_ / "log").value(), "out\nerr\n");
}

TEST_F(ProcessTest, ArgumentsAreNeverInterpretedByAShell) {
  ProcessSupervisor sup;
  std::promise<int> exited;
  auto info = sup.Spawn({{"/bin/echo", "$(touch pwned); rm -rf /"}, {}, dir_, dir_ / "log"},
                        [&](int code) { exited.set_value(code); });
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(exited.get_future().get(), 0);
  EXPECT_EQ(ReadFile(dir_ / "log").value(), "$(touch pwned); rm -rf /\n");
  EXPECT_FALSE(std::filesystem::exists(dir_ / "pwned"));
}

TEST_F(ProcessTest, TerminateKillsTheWholeGroupEvenIfTermIsIgnored) {
  ProcessSupervisor sup;
  std::promise<int> exited;
  // The child ignores SIGTERM and has a grandchild: both must be gone after SIGKILL.
  auto info = sup.Spawn({{"/bin/sh", "-c", "trap '' TERM; sleep 300 & echo $! > grandchild; wait"},
                         {}, dir_, dir_ / "log"},
                        [&](int code) { exited.set_value(code); });
  ASSERT_TRUE(info.has_value());
  // The pid line is written after the trap is set, so once it is whole the child ignores TERM.
  auto pid_line = [&] { return ReadFile(dir_ / "grandchild").value_or(""); };
  ASSERT_TRUE(WaitUntil([&] { return pid_line().ends_with("\n"); }, std::chrono::seconds(20)));
  pid_t grandchild = std::stoi(pid_line());
  EXPECT_GT(ProcessStartTicks(info->pid), 0);
  sup.Terminate(info->pid, std::chrono::milliseconds(300));
  auto fut = exited.get_future();
  ASSERT_EQ(fut.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  EXPECT_EQ(fut.get(), 128 + SIGKILL);
  EXPECT_TRUE(WaitUntil([&] { return ProcessStartTicks(grandchild) == 0; }, std::chrono::seconds(10)))
      << "grandchild survived";
  EXPECT_EQ(sup.running(), 0u);
}

TEST_F(ProcessTest, MissingBinaryIsAnError) {
  ProcessSupervisor sup;
  std::promise<int> exited;
  auto info = sup.Spawn({{"/nonexistent/bin"}, {}, dir_, dir_ / "log"},
                        [&](int code) { exited.set_value(code); });
  // posix_spawn may report exec failure either at spawn time or as exit code 127.
  if (info.has_value()) {
    auto fut = exited.get_future();
    ASSERT_EQ(fut.wait_for(std::chrono::seconds(10)), std::future_status::ready);
    EXPECT_EQ(fut.get(), 127);
  } else {
    EXPECT_EQ(info.error().code, ErrorCode::kIo);
    EXPECT_NE(info.error().message.find("/nonexistent/bin"), std::string::npos) << info.error().message;
  }
}

}  // namespace
}  // namespace sparkplane::runtime

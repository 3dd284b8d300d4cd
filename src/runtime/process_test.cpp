#include "runtime/process.hpp"

#include <signal.h>

#include <future>

#include <gtest/gtest.h>

#include "common/util.hpp"

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
  for (int i = 0; i < 100 && !std::filesystem::exists(dir_ / "grandchild"); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  pid_t grandchild = std::stoi(ReadFile(dir_ / "grandchild").value());
  EXPECT_GT(ProcessStartTicks(info->pid), 0);
  sup.Terminate(info->pid, std::chrono::milliseconds(300));
  auto fut = exited.get_future();
  ASSERT_EQ(fut.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  EXPECT_EQ(fut.get(), 128 + SIGKILL);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(ProcessStartTicks(grandchild), 0) << "grandchild survived";
  EXPECT_EQ(sup.running(), 0u);
}

TEST_F(ProcessTest, MissingBinaryIsAnError) {
  ProcessSupervisor sup;
  auto info = sup.Spawn({{"/nonexistent/bin"}, {}, dir_, dir_ / "log"}, nullptr);
  // posix_spawn may report exec failure either at spawn time or as exit code 127.
  if (info.has_value()) {
    sup.TerminateAll(std::chrono::milliseconds(100));
  } else {
    EXPECT_EQ(info.error().code, ErrorCode::kIo);
  }
}

}  // namespace
}  // namespace sparkplane::runtime

#pragma once
// IoThreads: an asio::io_context and the threads that run it. The client runs
// one thread per session runtime; the server N (default: cores). Owns its
// threads: the destructor stops the context and joins them.

#include <memory>
#include <thread>
#include <vector>

#include <asio/executor_work_guard.hpp>
#include <asio/io_context.hpp>

namespace parley::net {

class IoThreads {
 public:
  explicit IoThreads(unsigned thread_count = 1);
  ~IoThreads();
  IoThreads(const IoThreads&) = delete;
  IoThreads& operator=(const IoThreads&) = delete;

  asio::io_context& context() { return context_; }
  // Lets the context run out of work and joins the threads (graceful).
  void join();
  // Stops the context now and joins the threads.
  void stop();

 private:
  asio::io_context context_;
  std::unique_ptr<asio::executor_work_guard<asio::io_context::executor_type>> work_;
  std::vector<std::thread> threads_;
};

}  // namespace parley::net

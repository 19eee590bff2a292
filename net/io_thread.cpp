#include "net/io_thread.h"

namespace parley::net {

IoThreads::IoThreads(unsigned thread_count)
    : context_(static_cast<int>(thread_count == 0 ? 1 : thread_count)),
      work_(std::make_unique<asio::executor_work_guard<asio::io_context::executor_type>>(
          context_.get_executor())) {
  const unsigned n = thread_count == 0 ? 1 : thread_count;
  threads_.reserve(n);
  for (unsigned i = 0; i < n; ++i) {
    threads_.emplace_back([this] { context_.run(); });
  }
}

IoThreads::~IoThreads() { stop(); }

void IoThreads::join() {
  work_.reset();
  for (auto& t : threads_) {
    if (t.joinable() && t.get_id() != std::this_thread::get_id()) {
      t.join();
    }
  }
  threads_.clear();
}

void IoThreads::stop() {
  work_.reset();
  context_.stop();
  join();
}

}  // namespace parley::net
